package io.leadflow.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployment's configuration file (YAML): the tenants and their vendor secrets. Values may name
 * environment variables as {@code ${NAME}} or {@code ${NAME:-default}}, so secrets stay out of the file.
 */
public record LeadflowConfig(Map<String, TenantConfig> tenants) {
    /** Bundled configuration: tenant {@code demo} with the documented demo secrets. */
    public static final String DEFAULT_RESOURCE = "/leadflow-default.yaml";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public LeadflowConfig {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        tenants.keySet().forEach(id -> {
            if (!TENANT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Tenant id '" + id + "' must match " + TENANT_ID.pattern());
            }
        });
    }

    public Optional<TenantConfig> tenant(String id) {
        return Optional.ofNullable(tenants.get(id));
    }

    /** Loads {@code file}, or the bundled default when {@code file} is null. */
    public static LeadflowConfig load(Path file) {
        try {
            if (file == null) {
                try (InputStream in = LeadflowConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                    return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), System::getenv);
                }
            }
            return parse(Files.readString(file), System::getenv);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read configuration " + (file == null ? DEFAULT_RESOURCE : file), e);
        }
    }

    static LeadflowConfig parse(String yaml, UnaryOperator<String> env) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .registerModule(new JavaTimeModule()) // durations as ISO-8601, e.g. PT10M
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        return mapper.readValue(substitute(yaml, env), LeadflowConfig.class);
    }

    static String substitute(String text, UnaryOperator<String> env) {
        Matcher m = ENV_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                throw new IllegalArgumentException("Configuration refers to ${" + m.group(1) + "} but it is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
