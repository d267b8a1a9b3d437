package io.ringmetrics.error;

/**
 * An exporter could not format or send.
 */
public class ExportException extends MetricsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param errorType what went wrong.
     * @param message   what was wrong and what is allowed.
     */
    public ExportException(final ErrorType errorType, final String message)
    {
        super(errorType, message);
    }
}
