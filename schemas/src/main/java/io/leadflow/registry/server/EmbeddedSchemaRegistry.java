package io.leadflow.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.client.RegisteredSchema;
import io.leadflow.registry.client.SchemaRegistryException;
import io.leadflow.registry.core.SchemaRegistryState;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static io.leadflow.registry.client.SchemaRegistryException.INVALID_SCHEMA;
import static io.leadflow.registry.client.SchemaRegistryException.INVALID_VERSION;

/**
 * An in-process schema registry for local mode, speaking the Confluent REST subset leadflow and common
 * Confluent-format clients use, with its schemas in a compacted Kafka topic so ids survive restarts.
 * Writes are serialized and acknowledged by Kafka before they are applied and answered.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param port 0 for an ephemeral port
     * @param topic where schemas are stored, e.g. {@code _schemas}
     */
    public record Config(String bootstrapServers, String host, int port, String topic, short replicationFactor) {
    }

    private final SchemaRegistryState state = new SchemaRegistryState();
    private final Object writeLock = new Object();
    private final SchemaLog storage;
    private final Javalin app;
    private final String host;

    private EmbeddedSchemaRegistry(Config config) {
        this.host = config.host();
        this.storage = SchemaLog.open(config.bootstrapServers(), config.topic(), config.replicationFactor(), state);
        this.app = Javalin.create(c -> c.showJavalinBanner = false);
        routes();
    }

    public static EmbeddedSchemaRegistry start(Config config) {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(config);
        try {
            registry.app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            registry.storage.close();
            throw e;
        }
        log.info("Schema registry on {} ({} subjects restored from {})", registry.url(), registry.state.subjects().size(), config.topic());
        return registry;
    }

    public String url() {
        return "http://" + host + ":" + app.port();
    }

    public int port() {
        return app.port();
    }

    /** For health checks: whether the HTTP server is serving. */
    public boolean isRunning() {
        return app.jettyServer() != null && app.jettyServer().server().isRunning();
    }

    private void routes() {
        app.get("/", ctx -> reply(ctx, JSON.createObjectNode()));
        app.get("/schemas/ids/{id}", ctx -> reply(ctx, JSON.createObjectNode().put("schema", state.schemaById(intParam(ctx, "id")).toString())));
        app.get("/schemas/ids/{id}/versions", ctx -> {
            ArrayNode uses = JSON.createArrayNode();
            state.usesOf(intParam(ctx, "id")).forEach(u -> uses.addObject().put("subject", u.getKey()).put("version", u.getValue()));
            reply(ctx, uses);
        });
        app.get("/subjects", ctx -> reply(ctx, JSON.valueToTree(state.subjects())));
        app.get("/subjects/{subject}/versions", ctx -> reply(ctx, JSON.valueToTree(state.versions(ctx.pathParam("subject")))));
        app.get("/subjects/{subject}/versions/{version}", ctx ->
                reply(ctx, registered(state.version(ctx.pathParam("subject"), version(ctx)))));
        app.get("/subjects/{subject}/versions/{version}/schema", ctx ->
                reply(ctx, JSON.readTree(state.version(ctx.pathParam("subject"), version(ctx)).schema().toString())));
        app.post("/subjects/{subject}/versions", ctx -> reply(ctx, JSON.createObjectNode().put("id", register(ctx.pathParam("subject"), schema(ctx)))));
        app.post("/subjects/{subject}", ctx -> reply(ctx, registered(state.lookup(ctx.pathParam("subject"), schema(ctx)))));
        app.post("/compatibility/subjects/{subject}/versions/{version}", ctx -> reply(ctx, JSON.createObjectNode()
                .put("is_compatible", state.isCompatible(ctx.pathParam("subject"), schema(ctx), version(ctx)))));
        app.get("/config", ctx -> reply(ctx, JSON.createObjectNode().put("compatibilityLevel", state.compatibility(null).name())));
        app.get("/config/{subject}", ctx -> reply(ctx, JSON.createObjectNode()
                .put("compatibilityLevel", state.compatibility(ctx.pathParam("subject")).name())));
        app.put("/config", ctx -> reply(ctx, setCompatibility(null, ctx)));
        app.put("/config/{subject}", ctx -> reply(ctx, setCompatibility(ctx.pathParam("subject"), ctx)));

        app.exception(SchemaRegistryException.class, (e, ctx) -> error(ctx, e.httpStatus(), e.errorCode(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Schema registry failed on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, SchemaRegistryException.STORE_ERROR, "Error in the backend data store: " + e.getMessage());
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, 404, "HTTP 404 Not Found");
            }
        });
    }

    private int register(String subject, Schema schema) {
        synchronized (writeLock) {
            SchemaRegistryState.Registration registration = state.plan(subject, schema);
            if (registration.toStore() != null) {
                storage.appendSchema(registration.toStore());
                state.apply(registration.toStore());
                log.info("Registered {} version {} as id {}", subject, registration.schema().version(), registration.schema().id());
            }
            return registration.schema().id();
        }
    }

    private ObjectNode setCompatibility(String subject, Context ctx) throws IOException {
        JsonNode body = JSON.readTree(ctx.body());
        CompatibilityLevel level = SchemaRegistryState.parseLevel(body.path("compatibility").asText(""));
        synchronized (writeLock) {
            storage.appendCompatibility(subject, level);
            state.applyCompatibility(subject, level);
        }
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private static Schema schema(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw SchemaRegistryException.of(INVALID_SCHEMA, "Request body is not JSON: " + e.getMessage());
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw SchemaRegistryException.of(INVALID_SCHEMA, "Only AVRO schemas are supported, not " + type);
        }
        if (body.path("references").size() > 0) {
            throw SchemaRegistryException.of(INVALID_SCHEMA, "Schema references are not supported");
        }
        if (!body.hasNonNull("schema")) {
            throw SchemaRegistryException.of(INVALID_SCHEMA, "Request body has no 'schema'");
        }
        return SchemaRegistryState.parse(body.get("schema").asText());
    }

    private static int version(Context ctx) {
        String v = ctx.pathParam("version");
        if ("latest".equals(v) || "-1".equals(v)) {
            return -1;
        }
        try {
            int version = Integer.parseInt(v);
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.of(INVALID_VERSION, "The specified version '" + v + "' is not a valid version id");
        }
    }

    private static int intParam(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.of(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + ctx.pathParam(name) + " not found");
        }
    }

    private static ObjectNode registered(RegisteredSchema r) {
        return JSON.createObjectNode().put("subject", r.subject()).put("version", r.version()).put("id", r.id())
                .put("schema", r.schema().toString());
    }

    private static void reply(Context ctx, JsonNode body) {
        ctx.contentType(CONTENT_TYPE).result(body.toString());
    }

    private static void error(Context ctx, int status, int code, String message) {
        ctx.status(status).contentType(CONTENT_TYPE)
                .result(JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }

    @Override
    public void close() {
        app.stop();
        storage.close();
    }
}
