package io.ringmetrics.error;

/**
 * A name, label or value was rejected.
 */
public class ValidationException extends MetricsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param errorType what went wrong.
     * @param message   what was wrong and what is allowed.
     */
    public ValidationException(final ErrorType errorType, final String message)
    {
        super(errorType, message);
    }
}
