package io.ringmetrics.error;

/**
 * Base of every error the engine raises. Unchecked: in silent mode the Metrics API never lets one escape; in
 * propagate mode it throws the subtype matching the error's {@link ErrorType.Category}.
 */
public abstract class MetricsException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorType errorType;

    /**
     * @param errorType what went wrong.
     * @param message   what was wrong and what is allowed.
     */
    protected MetricsException(final ErrorType errorType, final String message)
    {
        super(message);
        this.errorType = errorType;
    }

    /**
     * @return the machine-readable error type.
     */
    public ErrorType errorType()
    {
        return errorType;
    }

    /**
     * Creates the exception subtype that matches the category of {@code type}.
     *
     * @param type    error type.
     * @param message message.
     * @return a new exception.
     */
    public static MetricsException of(final ErrorType type, final String message)
    {
        switch (type.category())
        {
            case VALIDATION:
                return new ValidationException(type, message);
            case RESOURCE:
                return new ResourceLimitException(type, message);
            case EXPORT:
                return new ExportException(type, message);
            default:
                return new ConfigurationException(type, message);
        }
    }
}
