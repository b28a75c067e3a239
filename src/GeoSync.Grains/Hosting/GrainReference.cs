using System.Reflection;

namespace GeoSync.Grains.Hosting;

/// <summary>
/// A reference to a grain: a generated implementation of the grain interface whose every call becomes a turn of
/// the grain's activation (what Orleans' code generator produces at build time, done here at run time).
/// </summary>
public class GrainReference : DispatchProxy
{
    private static readonly MethodInfo InvokeTypedMethod =
        typeof(GrainReference).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private GrainHost _host = null!;
    private Type _interface = null!;
    private string _typeName = null!;

    /// <summary>The grain's key.</summary>
    public string Key { get; private set; } = null!;

    internal static TGrainInterface Create<TGrainInterface>(GrainHost host, string typeName, string key)
        where TGrainInterface : class, IGrain
    {
        TGrainInterface proxy = Create<TGrainInterface, GrainReference>();
        var reference = (GrainReference)(object)proxy;
        reference._host = host;
        reference._interface = typeof(TGrainInterface);
        reference._typeName = typeName;
        reference.Key = key;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Type returnType = targetMethod.ReturnType;
        if (returnType == typeof(Task))
        {
            return _host.InvokeAsync<bool>(_interface, _typeName, Key, async grain =>
            {
                await CallAsync(targetMethod, grain, args).ConfigureAwait(false);
                return true;
            });
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return InvokeTypedMethod.MakeGenericMethod(returnType.GetGenericArguments()[0]).Invoke(this, [targetMethod, args]);
        }

        throw new NotSupportedException($"grain method {_interface.Name}.{targetMethod.Name} must return Task or Task<T>");
    }

    private Task<TResult> InvokeTyped<TResult>(MethodInfo method, object?[]? args) =>
        _host.InvokeAsync(_interface, _typeName, Key, grain => (Task<TResult>)CallAsync(method, grain, args));

    private static Task CallAsync(MethodInfo method, object grain, object?[]? args)
    {
        try
        {
            return (Task)method.Invoke(grain, args)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            return Task.FromException(ex.InnerException);
        }
    }
}
