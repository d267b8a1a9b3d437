package io.ringmetrics.error;

/**
 * A configuration value is malformed or out of range.
 */
public class ConfigurationException extends MetricsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param errorType what went wrong.
     * @param message   what was wrong and what is allowed.
     */
    public ConfigurationException(final ErrorType errorType, final String message)
    {
        super(errorType, message);
    }
}
