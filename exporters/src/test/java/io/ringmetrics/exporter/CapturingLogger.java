package io.ringmetrics.exporter;

import java.lang.System.Logger;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Logger} that keeps every line and its level; safe to read while exporter threads log. */
public final class CapturingLogger implements Logger
{
    /** A logged line. */
    public record Line(Level level, String message)
    {
    }

    public final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName()
    {
        return "capture";
    }

    @Override
    public boolean isLoggable(final Level level)
    {
        return true;
    }

    @Override
    public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown)
    {
        lines.add(new Line(level, msg));
    }

    @Override
    public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
    {
        lines.add(new Line(level, format));
    }
}
