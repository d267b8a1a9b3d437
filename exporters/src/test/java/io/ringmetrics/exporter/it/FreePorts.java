package io.ringmetrics.exporter.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports. The port is released before returning, so another process may in
 * principle grab it; the servers in this package retry on "address in use".
 */
public final class FreePorts {

    /** The only address the tests use. */
    public static final String LOOPBACK = "127.0.0.1";

    private FreePorts() {}

    public static InetAddress loopback() {
        try {
            return InetAddress.getByName(LOOPBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    public static int tcp() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(loopback(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + LOOPBACK, e);
        }
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    public static int udp() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on " + LOOPBACK, e);
        }
    }
}
