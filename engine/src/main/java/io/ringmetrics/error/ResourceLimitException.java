package io.ringmetrics.error;

/**
 * A resource limit or lifecycle rule refused the operation.
 */
public class ResourceLimitException extends MetricsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param errorType what went wrong.
     * @param message   what was wrong and what is allowed.
     */
    public ResourceLimitException(final ErrorType errorType, final String message)
    {
        super(errorType, message);
    }
}
