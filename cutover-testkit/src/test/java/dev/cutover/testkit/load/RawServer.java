package dev.cutover.testkit.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server on a free loopback port whose connections are handled by test code, for misbehaving servers. */
final class RawServer implements AutoCloseable {

    interface Handler {
        void handle(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawServer(Handler handler) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon(true).name("raw-server-accept").start(() -> {
            while (!listener.isClosed()) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                sockets.add(s);
                Thread.ofPlatform().daemon(true).name("raw-server-conn").start(() -> {
                    try (s) {
                        handler.handle(s);
                    } catch (IOException | InterruptedException e) {
                        // the client went away or the test ended
                    }
                });
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    /** Reads a request head (up to the empty line); false at end of stream. */
    static boolean readRequestHead(InputStream in) throws IOException {
        int state = 0; // counts the bytes of \r\n\r\n matched so far
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\r' && (state == 0 || state == 2)) state++;
            else if (b == '\n' && (state == 1 || state == 3)) state++;
            else state = b == '\r' ? 1 : 0;
            if (state == 4) return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) s.close();
    }
}
