package io.leadflow.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compact client for the Confluent Schema Registry REST API, using only the subset that Confluent SR,
 * Karapace, Redpanda and Apicurio's {@code /apis/ccompat/v7} all serve (see docs/schema-registry.md).
 * Schema ids are immutable, so id → schema and (subject, schema) → id are cached for the client's life:
 * a serializer asks the network once per schema.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> baseUrls;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /**
     * @param baseUrls one or more registry URLs, tried in order when one cannot be reached
     * @param userInfo {@code user:password} for basic auth, or null
     */
    public RestSchemaRegistryClient(List<String> baseUrls, String userInfo, Duration timeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("schema.registry.url is empty");
        }
        this.baseUrls = baseUrls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        this.authorization = userInfo == null || userInfo.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        int id = call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema)).get("id").asInt();
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getSchemaById(int id) {
        return schemasById.computeIfAbsent(id, i -> new Schema.Parser().parse(call("GET", "/schemas/ids/" + i, null).get("schema").asText()));
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null), subject);
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null), subject);
    }

    @Override
    public List<String> getSubjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public List<Integer> getVersions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        try {
            RegisteredSchema found = registered(call("POST", "/subjects/" + enc(subject), schemaBody(schema)), subject);
            idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, found.id());
            return Optional.of(found);
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.SUBJECT_NOT_FOUND || e.kind() == SchemaRegistryException.Kind.SCHEMA_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            return call("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest", schemaBody(schema))
                    .path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.SUBJECT_NOT_FOUND || e.kind() == SchemaRegistryException.Kind.VERSION_NOT_FOUND) {
                return true; // nothing registered yet: anything may be the first version
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        // defaultToGlobal: Confluent answers 40408 for a subject without its own level otherwise
        JsonNode config = call("GET", subject == null ? "/config" : "/config/" + enc(subject) + "?defaultToGlobal=true", null);
        JsonNode level = config.has("compatibilityLevel") ? config.get("compatibilityLevel") : config.get("compatibility");
        return CompatibilityLevel.valueOf(level.asText());
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("PUT", subject == null ? "/config" : "/config/" + enc(subject), body);
    }

    private RegisteredSchema registered(JsonNode node, String subject) {
        int id = node.get("id").asInt();
        Schema schema = node.hasNonNull("schema") ? new Schema.Parser().parse(node.get("schema").asText()) : getSchemaById(id);
        schemasById.putIfAbsent(id, schema);
        String name = node.hasNonNull("subject") ? node.get("subject").asText() : subject;
        return new RegisteredSchema(name, node.get("version").asInt(), id, schema);
    }

    private static ObjectNode schemaBody(Schema schema) {
        // schemaType is omitted: AVRO is the default everywhere, and older registries reject the field
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode call(String method, String path, JsonNode body) {
        SchemaRegistryException unreachable = null;
        for (String base : baseUrls) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(timeout)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                unreachable = new SchemaRegistryException("Schema registry " + base + " unreachable: " + e, e);
                continue; // the next URL may answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted calling the schema registry", e);
            }
            return parse(response, method, path);
        }
        throw unreachable;
    }

    private static JsonNode parse(HttpResponse<String> response, String method, String path) {
        JsonNode json;
        try {
            json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (response.statusCode() / 100 == 2 && json != null) {
            return json;
        }
        int code = json != null && json.has("error_code") ? json.get("error_code").asInt() : response.statusCode();
        String message = json != null && json.has("message") ? json.get("message").asText() : response.body();
        throw new SchemaRegistryException(response.statusCode(), code, method + " " + path + ": " + message);
    }

    private static String enc(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
