package io.ringmetrics.exporter.prometheus;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP/1.0 or HTTP/1.1 request (request line and header fields), parsed from the bytes the
 * {@link ScrapeServer} has read. Only what the scrape endpoint needs is kept: method, path (query and fragment cut
 * off) and the header fields, their names in lower case, repeated fields joined with {@code ","}. A body is never
 * read.
 * <p>
 * <b>Threading.</b> Immutable once parsed; parsed on the server's selector thread, read on a scrape worker.
 */
final class RequestHead
{
    /** Thrown for bytes that are not an HTTP/1.x request head; the message says what is wrong. */
    static final class MalformedException extends Exception
    {
        private static final long serialVersionUID = 1L;

        MalformedException(final String message)
        {
            super(message, null, false, false);
        }
    }

    private final String method;
    private final String path;
    private final Map<String, String> headers;

    private RequestHead(final String method, final String path, final Map<String, String> headers)
    {
        this.method = method;
        this.path = path;
        this.headers = headers;
    }

    /** @return the method, e.g. {@code GET}, case as sent. */
    String method()
    {
        return method;
    }

    /** @return the path of the request target, without query or fragment, not decoded. */
    String path()
    {
        return path;
    }

    /**
     * @param lowerCaseName a field name in lower case, e.g. {@code accept}.
     * @return its value (repeated fields joined with {@code ","}), or {@code null} if absent.
     */
    String header(final String lowerCaseName)
    {
        return headers.get(lowerCaseName);
    }

    /**
     * Finds the end of a request head: the blank line after the first non-empty line (leading blank lines are
     * ignored, as RFC 9112 allows). Lines end in LF, optionally preceded by CR.
     *
     * @param bytes  received bytes.
     * @param length how many of them.
     * @return the index just after the blank line, or -1 if the head is not complete yet.
     */
    static int endOf(final byte[] bytes, final int length)
    {
        int lineStart = 0;
        boolean sawLine = false;
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] == '\n')
            {
                final int contentEnd = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
                if (contentEnd == lineStart)
                {
                    if (sawLine)
                    {
                        return i + 1;
                    }
                }
                else
                {
                    sawLine = true;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    /**
     * Parses a complete head.
     *
     * @param bytes  received bytes.
     * @param length the head's length, from {@link #endOf}.
     * @return the head.
     * @throws MalformedException if it is not an HTTP/1.x request head.
     */
    static RequestHead parse(final byte[] bytes, final int length) throws MalformedException
    {
        final String[] lines = new String(bytes, 0, length, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        int i = 0;
        while (i < lines.length && lines[i].isEmpty())
        {
            i++;
        }
        if (i == lines.length)
        {
            throw new MalformedException("no request line");
        }
        final String[] requestLine = lines[i].split(" ", -1);
        if (requestLine.length != 3)
        {
            throw new MalformedException("the request line is not 'METHOD target HTTP/1.x'");
        }
        final String method = requestLine[0];
        if (!isToken(method))
        {
            throw new MalformedException("invalid method");
        }
        if (!requestLine[2].equals("HTTP/1.1") && !requestLine[2].equals("HTTP/1.0"))
        {
            throw new MalformedException("only HTTP/1.0 and HTTP/1.1 are served");
        }
        final String path = path(requestLine[1]);

        final Map<String, String> headers = new HashMap<>();
        for (i++; i < lines.length && !lines[i].isEmpty(); i++)
        {
            final String line = lines[i];
            final int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon)))
            {
                throw new MalformedException("invalid header field line");
            }
            final String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ',' + b);
        }
        return new RequestHead(method, path, headers);
    }

    private static String path(final String target) throws MalformedException
    {
        String rest = target;
        if (!rest.startsWith("/"))
        {
            // absolute form, e.g. through a proxy: http://host:port/path
            final String lower = rest.toLowerCase(Locale.ROOT);
            final int scheme = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
            if (scheme < 0)
            {
                throw new MalformedException("the request target is not a path");
            }
            final int slash = rest.indexOf('/', scheme);
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        for (int i = 0; i < rest.length(); i++)
        {
            final char c = rest.charAt(i);
            if (c == '?' || c == '#')
            {
                return rest.substring(0, i);
            }
            if (c <= ' ' || c >= 0x7F)
            {
                throw new MalformedException("invalid character in the request target");
            }
        }
        return rest;
    }

    private static boolean isToken(final String s)
    {
        if (s.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
