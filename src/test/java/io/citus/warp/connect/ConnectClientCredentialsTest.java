package io.citus.warp.connect;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** REST credentials given in the Connect URL go out as HTTP Basic authentication and nowhere else. */
@Tag("unit")
class ConnectClientCredentialsTest {

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndNeverShown() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> authorizations = new ArrayList<>();
        server.createContext("/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "[\"a\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            ConnectClient client = new ConnectClient(URI.create("http://warp:s%40cret@127.0.0.1:" + port));
            assertEquals(List.of("a"), client.connectors());
            assertEquals("Basic " + Base64.getEncoder().encodeToString("warp:s@cret".getBytes(StandardCharsets.UTF_8)),
                    authorizations.get(0));
            assertEquals("http://127.0.0.1:" + port + "/", client.baseUrl().toString());
            assertFalse(client.baseUrl().toString().contains("cret"));

            new ConnectClient(URI.create("http://127.0.0.1:" + port)).connectors();
            assertEquals(null, authorizations.get(1), "no credentials, no header");
        } finally {
            server.stop(0);
        }
    }
}
