package io.citus.warp.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A thin client of the Kafka Connect REST API (the same calls a user makes with curl). */
public final class ConnectClient {
    /** How long {@link #removeWithOffsets} waits for a connector to stop before deleting its offsets. */
    private static final long STOP_WAIT_MS = 60_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;

    /** {@code Authorization} header value for a REST API behind HTTP Basic authentication, or null. */
    private final String authorization;

    /**
     * @param baseUrl the REST URL; credentials for a REST API behind HTTP Basic authentication (Connect's
     *                BasicAuthSecurityRestExtension, or a proxy) may be given in it, {@code https://user:password@host:8083};
     *                they are sent with every request and never appear in {@link #baseUrl()} or in messages
     */
    public ConnectClient(URI baseUrl) {
        String userInfo = baseUrl.getRawUserInfo();
        URI withoutCredentials = baseUrl;
        if (userInfo != null) {
            try {
                withoutCredentials = new URI(baseUrl.getScheme(), null, baseUrl.getHost(), baseUrl.getPort(), baseUrl.getPath(),
                        baseUrl.getQuery(), baseUrl.getFragment());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a Connect REST URL: " + baseUrl.getScheme() + "://***@" + baseUrl.getHost(), e);
            }
        }
        String url = withoutCredentials.toString();
        this.baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
        this.authorization = userInfo == null ? null : "Basic " + java.util.Base64.getEncoder().encodeToString(
                java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code GET /}: the worker's version and Kafka cluster id. */
    public JsonNode serverInfo() {
        return send("GET", "", null, 200);
    }

    /** {@code PUT /connectors/{name}/config}: creates or updates, idempotently. */
    public JsonNode putConnectorConfig(String name, Map<String, String> config) {
        return send("PUT", "connectors/" + enc(name) + "/config", config, 200, 201);
    }

    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        send("GET", "connectors", null, 200).forEach(n -> names.add(n.asText()));
        return names;
    }

    public boolean exists(String name) {
        return connectors().contains(name);
    }

    public JsonNode connectorConfig(String name) {
        return send("GET", "connectors/" + enc(name) + "/config", null, 200);
    }

    /** {@code GET /connectors/{name}/status}: connector and task states, with traces of failures. */
    public JsonNode status(String name) {
        return send("GET", "connectors/" + enc(name) + "/status", null, 200);
    }

    public void delete(String name) {
        send("DELETE", "connectors/" + enc(name), null, 204, 200, 404);
    }

    public void restart(String name, boolean includeTasks, boolean onlyFailed) {
        send("POST", "connectors/" + enc(name) + "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed,
                null, 200, 202, 204);
    }

    public void restartTask(String name, int task) {
        send("POST", "connectors/" + enc(name) + "/tasks/" + task + "/restart", null, 200, 202, 204);
    }

    public void pause(String name) {
        send("PUT", "connectors/" + enc(name) + "/pause", null, 202);
    }

    public void resume(String name) {
        send("PUT", "connectors/" + enc(name) + "/resume", null, 202);
    }

    /** {@code PUT /connectors/{name}/stop}: tasks shut down, config kept; offsets can then be altered. */
    public void stop(String name) {
        send("PUT", "connectors/" + enc(name) + "/stop", null, 202, 204);
    }

    public JsonNode offsets(String name) {
        return send("GET", "connectors/" + enc(name) + "/offsets", null, 200);
    }

    /** {@code DELETE /connectors/{name}/offsets} (connector must be STOPPED). */
    public void resetOffsets(String name) {
        send("DELETE", "connectors/" + enc(name) + "/offsets", null, 200);
    }

    /** {@code PATCH /connectors/{name}/offsets} (connector must be STOPPED). */
    public void alterOffsets(String name, JsonNode offsets) {
        send("PATCH", "connectors/" + enc(name) + "/offsets", offsets, 200);
    }

    /**
     * Stops the connector, deletes its offsets (Connect keeps them under the name after the connector is
     * deleted), then deletes it. A worker without the offsets API (Kafka before 3.6) is reported, not fatal.
     */
    public void removeWithOffsets(String name, String offsetsWhat, List<String> done)
            throws InterruptedException {
        if (!exists(name)) {
            return;
        }
        stop(name);
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (!"STOPPED".equals(status(name).path("connector").path("state").asText())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("connector " + name + " did not stop within " + STOP_WAIT_MS / 1000 + " s");
            }
            Thread.sleep(250);
        }
        try {
            resetOffsets(name);
            done.add("deleted " + offsetsWhat + " (" + name + ")");
        } catch (ConnectRestException e) {
            done.add("could not delete " + offsetsWhat + " of " + name + " (" + e.getMessage() + "): a new run must use "
                    + "another --name");
        }
        delete(name);
        done.add("deleted connector " + name);
    }

    /** {@code GET /connector-plugins}: the connector classes installed on the worker. */
    public List<String> connectorPlugins() {
        List<String> classes = new ArrayList<>();
        send("GET", "connector-plugins?connectorsOnly=true", null, 200)
                .forEach(p -> classes.add(p.path("class").asText()));
        return classes;
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}. */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        return send("PUT", "connector-plugins/" + enc(connectorClass) + "/config/validate", config, 200);
    }

    /** How long a request refused because the workers are rebalancing is tried again. */
    private static final long REBALANCE_RETRY_MS = 60_000;

    /**
     * Sends the request; while Connect refuses it because its workers are rebalancing (409, or 500 "a rebalance is
     * expected", as it answers right after connectors are created or a worker left) — refused before anything was
     * done, so sending it again is safe — tries again for up to a minute.
     */
    private JsonNode send(String method, String path, Object body, int... okStatuses) {
        long deadline = System.currentTimeMillis() + REBALANCE_RETRY_MS;
        while (true) {
            try {
                return sendOnce(method, path, body, okStatuses);
            } catch (ConnectRestException e) {
                if (!rebalancing(e) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean rebalancing(ConnectRestException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return e.status() == 409 || (e.status() == 500 && message.contains("rebalance"));
    }

    private JsonNode sendOnce(String method, String path, Object body, int... okStatuses) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                    .timeout(Duration.ofSeconds(120))
                    .header("Accept", "application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (int ok : okStatuses) {
                if (response.statusCode() == ok) {
                    String text = response.body();
                    return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
                }
            }
            throw new ConnectRestException(method, baseUrl.resolve(path), response.statusCode(), response.body());
        } catch (IOException e) {
            throw new ConnectRestException(method, baseUrl.resolve(path), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException(method, baseUrl.resolve(path), e);
        }
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
