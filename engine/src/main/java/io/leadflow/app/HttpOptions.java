package io.leadflow.app;

import picocli.CommandLine.Option;

/** The process's one HTTP port: gateway, API, health. */
public final class HttpOptions {
    @Option(names = "--http-host", defaultValue = "${env:LEADFLOW_HTTP_HOST:-127.0.0.1}",
            description = "Address the HTTP server binds; 0.0.0.0 to let vendors reach it (env LEADFLOW_HTTP_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--http-port", defaultValue = "${env:LEADFLOW_HTTP_PORT:-8080}",
            description = "HTTP port for webhooks, API and /health (env LEADFLOW_HTTP_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-body", defaultValue = "262144",
            description = "Largest accepted request body in bytes; larger ones get 413 (default ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    /** Options set in code, as an embedding program (a test harness) needs them; port 0 picks a free one. */
    public static HttpOptions of(String host, int port, long maxBodyBytes) {
        HttpOptions http = new HttpOptions();
        http.host = host;
        http.port = port;
        http.maxBodyBytes = maxBodyBytes;
        return http;
    }
}
