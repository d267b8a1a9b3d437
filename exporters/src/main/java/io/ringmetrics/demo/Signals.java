package io.ringmetrics.demo;

/**
 * Turns SIGTERM and SIGINT into an orderly shutdown with exit status 0.
 * <p>
 * A JVM shutdown hook alone would exit with 143 on SIGTERM; handling the signals lets the service finish its final
 * flush and call {@code System.exit(0)}. The handler is registered through {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}), looked up reflectively so the build stays free of internal-API warnings; where it
 * is missing, a shutdown hook still runs the action (exit status is then the JVM's).
 */
final class Signals
{
    private Signals()
    {
    }

    static void onTermination(final Runnable action)
    {
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Object handler = java.lang.reflect.Proxy.newProxyInstance(
                Signals.class.getClassLoader(), new Class<?>[] { handlerClass }, (proxy, method, args) ->
                {
                    switch (method.getName())
                    {
                        case "handle":
                            action.run();
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            return "ringmetrics-termination-handler";
                    }
                });
            final java.lang.reflect.Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (final String name : new String[] { "TERM", "INT" })
            {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(action, "demo-shutdown"));
        }
    }
}
