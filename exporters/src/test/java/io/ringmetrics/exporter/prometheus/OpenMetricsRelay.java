package io.ringmetrics.exporter.prometheus;

import com.sun.net.httpserver.HttpServer;
import io.ringmetrics.exporter.it.FreePorts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A relay on 127.0.0.1 that fetches the exporter's {@code /metrics} in OpenMetrics 1.0, whatever its own client asks
 * for: a classic-only scraper in front of the same endpoint, for a Prometheus that would otherwise ask for protobuf.
 */
final class OpenMetricsRelay implements AutoCloseable
{
    private final HttpServer server;

    OpenMetricsRelay(final int exporterPort) throws IOException
    {
        final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
        server = HttpServer.create(new InetSocketAddress(FreePorts.loopback(), 0), 0);
        server.createContext("/metrics", exchange ->
        {
            try
            {
                final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + exporterPort + "/metrics"))
                    .header("Accept", "application/openmetrics-text;version=1.0.0")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().set("Content-Type",
                    response.headers().firstValue("Content-Type").orElseThrow());
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(response.body());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(500, -1);
            }
            finally
            {
                exchange.close();
            }
        });
        server.start();
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
