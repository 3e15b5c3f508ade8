package dev.cutover.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A real HTTP server on loopback that answers every request with one status and JSON body. */
final class JsonServer {

    private JsonServer() {}

    /** Started on {@code port} (0: any free one). */
    static HttpServer answering(int port, int status, String json) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** Runs the CLI with {@code args} against {@code api} (any token), its output into {@code out} and {@code err}. */
    static int cli(HttpServer api, java.io.StringWriter out, java.io.StringWriter err, String... args) {
        picocli.CommandLine cl = CutoverCommand.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api";
        all[args.length + 1] = "http://127.0.0.1:" + api.getAddress().getPort();
        all[args.length + 2] = "--token";
        all[args.length + 3] = "t";
        return cl.execute(all);
    }
}
