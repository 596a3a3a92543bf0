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
}
