package io.ringmetrics.config;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Immutable error-handling settings, with the specification's defaults: log every category, silent mode
 * (no propagation), detailed context, level WARNING. Build with {@link #builder()}.
 */
public final class MetricsErrorConfig
{
    /** The defaults. */
    public static final MetricsErrorConfig DEFAULTS = builder().build();

    private final boolean logValidationErrors;
    private final boolean logResourceErrors;
    private final boolean logExportErrors;
    private final boolean logConfigErrors;
    private final boolean propagateErrors;
    private final boolean detailedErrorContext;
    private final Level errorLogLevel;

    private MetricsErrorConfig(final Builder b)
    {
        this.logValidationErrors = b.logValidationErrors;
        this.logResourceErrors = b.logResourceErrors;
        this.logExportErrors = b.logExportErrors;
        this.logConfigErrors = b.logConfigErrors;
        this.propagateErrors = b.propagateErrors;
        this.detailedErrorContext = b.detailedErrorContext;
        this.errorLogLevel = b.errorLogLevel;
    }

    /** @return a builder with the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return a builder holding these values. */
    public Builder toBuilder()
    {
        return builder().logValidationErrors(logValidationErrors).logResourceErrors(logResourceErrors)
            .logExportErrors(logExportErrors).logConfigErrors(logConfigErrors).propagateErrors(propagateErrors)
            .detailedErrorContext(detailedErrorContext).errorLogLevel(errorLogLevel);
    }

    /** @return log validation errors (default true). */
    public boolean logValidationErrors()
    {
        return logValidationErrors;
    }

    /** @return log resource errors (default true). */
    public boolean logResourceErrors()
    {
        return logResourceErrors;
    }

    /** @return log export errors (default true). */
    public boolean logExportErrors()
    {
        return logExportErrors;
    }

    /** @return log configuration errors (default true). */
    public boolean logConfigErrors()
    {
        return logConfigErrors;
    }

    /** @return throw {@code MetricsException}s to callers instead of returning normally (default false). */
    public boolean propagateErrors()
    {
        return propagateErrors;
    }

    /** @return append the limits in force to error messages (default true). */
    public boolean detailedErrorContext()
    {
        return detailedErrorContext;
    }

    /** @return level of error log lines (default WARNING). */
    public Level errorLogLevel()
    {
        return errorLogLevel;
    }

    @Override
    public String toString()
    {
        return "log_validation_errors=" + logValidationErrors + ", log_resource_errors=" + logResourceErrors +
            ", log_export_errors=" + logExportErrors + ", log_config_errors=" + logConfigErrors +
            ", propagate_errors=" + propagateErrors + ", detailed_error_context=" + detailedErrorContext +
            ", error_log_level=" + errorLogLevel;
    }

    /** Builder of {@link MetricsErrorConfig}. */
    public static final class Builder
    {
        private boolean logValidationErrors = true;
        private boolean logResourceErrors = true;
        private boolean logExportErrors = true;
        private boolean logConfigErrors = true;
        private boolean propagateErrors;
        private boolean detailedErrorContext = true;
        private Level errorLogLevel = Level.WARNING;

        private Builder()
        {
        }

        /** @param v value @return this */
        public Builder logValidationErrors(final boolean v)
        {
            logValidationErrors = v;
            return this;
        }

        /** @param v value @return this */
        public Builder logResourceErrors(final boolean v)
        {
            logResourceErrors = v;
            return this;
        }

        /** @param v value @return this */
        public Builder logExportErrors(final boolean v)
        {
            logExportErrors = v;
            return this;
        }

        /** @param v value @return this */
        public Builder logConfigErrors(final boolean v)
        {
            logConfigErrors = v;
            return this;
        }

        /** @param v value @return this */
        public Builder propagateErrors(final boolean v)
        {
            propagateErrors = v;
            return this;
        }

        /** @param v value @return this */
        public Builder detailedErrorContext(final boolean v)
        {
            detailedErrorContext = v;
            return this;
        }

        /** @param v level, not null @return this */
        public Builder errorLogLevel(final Level v)
        {
            errorLogLevel = Objects.requireNonNull(v, "error_log_level");
            return this;
        }

        /** @return the configuration. */
        public MetricsErrorConfig build()
        {
            return new MetricsErrorConfig(this);
        }
    }
}
