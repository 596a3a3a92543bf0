package io.leadflow.app;

import io.leadflow.attribution.ChannelApi;
import io.leadflow.funnel.FunnelApi;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.sla.SlaBoardApi;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.gateway.RawEventWriter;
import io.leadflow.connectors.VendorWebhooks;
import io.leadflow.connectors.alerts.AlertSink;
import io.leadflow.connectors.alerts.AlertmanagerAlertSink;
import io.leadflow.connectors.alerts.TelegramAlertSink;
import io.leadflow.connectors.alerts.WebhookAlertSink;
import io.leadflow.connectors.amocrm.AmoCrmFetcher;
import io.leadflow.connectors.amocrm.AmoCrmLeadSink;
import io.leadflow.connectors.bitrix24.Bitrix24Fetcher;
import io.leadflow.connectors.bitrix24.Bitrix24LeadSink;
import io.leadflow.connectors.crm.CrmEnricher;
import io.leadflow.connectors.calltouch.CallTouchPollers;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.gateway.WebhookGateway;
import io.leadflow.avro.Vendor;
import io.leadflow.engine.EngineSettings;
import io.leadflow.engine.EngineTopology;
import io.leadflow.engine.LeadflowEngine;
import io.leadflow.intake.ContactKeys;
import io.leadflow.intake.IntakeTopology;
import io.leadflow.engine.TopicProvisioner;
import io.leadflow.http.HealthChecks;
import io.leadflow.lead.LeadApi;
import io.leadflow.routing.RosterApi;
import io.leadflow.routing.RosterLog;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.http.HttpServer;
import io.leadflow.http.KafkaClusterHealth;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leadflow parts of one process — engine, gateway, or both — on one HTTP port. Local mode, the
 * {@code engine} and the {@code gateway} commands all assemble their process here.
 */
public final class LeadflowNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeadflowNode.class);
    /** How long a vendor waits for the durable write before it gets 503 and retries. */
    public static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final HttpServer http;
    private final LeadflowEngine engine;

    private LeadflowNode(HttpServer http, LeadflowEngine engine, List<AutoCloseable> parts) {
        this.http = http;
        this.engine = engine;
        this.parts.addAll(parts);
    }

    /** Which connectors a process runs. */
    public enum Gateway {
        /** None: an engine-only process. */
        OFF,
        /** Webhooks and Bitrix24 enrichment (safe on any number of instances: the enricher shares a consumer group). */
        WEBHOOKS,
        /** Also the CallTouch reconciliation pollers, which must run on one instance only. */
        WEBHOOKS_AND_POLLERS
    }

    /** @param engineOptions null for a gateway-only process */
    public static LeadflowNode start(String bootstrapServers, Map<String, String> registryConfig, LeadflowConfig config,
                                     HttpOptions httpOptions, EngineOptions engineOptions, Gateway gatewayMode,
                                     HealthChecks health) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            KafkaClusterHealth kafka = new KafkaClusterHealth(bootstrapServers);
            started.add(kafka);
            health.add("kafka", kafka);
            Topics topics = new Topics(SchemaRegistryClients.fromConfig(registryConfig), registryConfig);
            ProcessMetrics metrics = new ProcessMetrics();
            started.add(metrics);
            LeadflowEngine engine = null;
            RosterLog rosterLog = null;
            // an engine advertises its HTTP address to the others (lead queries), so the port is fixed before it starts
            int port = httpOptions.port != 0 || engineOptions == null ? httpOptions.port : freePort();
            HostInfo advertised = null;
            if (engineOptions != null) {
                try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrapServers, Map.of()))) {
                    TopicProvisioner.ensure(admin, topics.all(), engineOptions.partitions, engineOptions.replicationFactor);
                }
                rosterLog = new RosterLog(topics, bootstrapServers);
                started.add(rosterLog);
                int seeded = rosterLog.seed(config, Instant.now()); // before routing starts, so the first lead sees it
                log.info("Roster: {} change(s) from the configuration file", seeded);
                advertised = new HostInfo(advertisedHost(engineOptions, httpOptions), port);
                EngineSettings settings = new EngineSettings(engineOptions.applicationId, bootstrapServers, registryConfig,
                        engineOptions.stateDir, engineOptions.streamThreads, engineOptions.replicationFactor,
                        engineOptions.standbyReplicas, engineOptions.instanceId, advertised.host() + ":" + advertised.port(),
                        engineOptions.rocksDbMemoryMb * 1024 * 1024);
                engine = new LeadflowEngine(EngineTopology.build(topics, config, settings.streamsProperties(),
                        new SlaMetrics(metrics.registry())), settings,
                        topics.all().stream().filter(Topic::purgedOnceConsumed).map(Topic::name).toList());
                metrics.bind(engine.streams());
                topics.registerSchemas(settings.applicationId()); // before the first record, not on the stream thread
                engine.start();
                started.add(0, engine);
                health.add("engine", engine::health);
            }
            HttpServer http = new HttpServer(health, httpOptions.maxBodyBytes);
            metrics.mount(http);
            if (engine != null) {
                new LeadApi(engine.streams(), config, topics, advertised).mount(http);
                new ChannelApi(engine.streams(), config, advertised).mount(http);
                new FunnelApi(engine.streams(), config, advertised, Clock.systemUTC()).mount(http);
                new SlaBoardApi(engine.streams(), config, advertised, Clock.systemUTC()).mount(http);
                DashboardPage.mount(http);
                new RosterApi(engine.streams(), config, rosterLog, Clock.systemUTC()).mount(http);
            }
            if (gatewayMode != Gateway.OFF) {
                // keyed by contact wherever the vendor names the caller: the engine handles the event in its lead's task
                RawEventWriter writer = new RawEventWriter(KafkaClientConfig.of(bootstrapServers, Map.of()),
                        topics.raw(Vendor.MANGO), ACK_TIMEOUT, new ContactKeys(config, IntakeTopology.parsers()));
                started.add(0, writer);
                WebhookGateway gateway = new WebhookGateway(config, topics, writer, ACK_TIMEOUT, VendorWebhooks.all());
                gateway.mount(http);
                health.add("gateway", gateway::health);
                if (gatewayMode == Gateway.WEBHOOKS_AND_POLLERS) {
                    CallTouchPollers pollers = CallTouchPollers.start(config, topics, bootstrapServers);
                    started.add(0, pollers);
                    if (!pollers.isEmpty()) {
                        health.add("calltouchPollers", pollers::health);
                    }
                }
                Map<String, CrmEnricher> enrichers = new LinkedHashMap<>();
                enrichers.put("bitrix24Enricher", CrmEnricher.startIfConfigured(Vendor.BITRIX24,
                        Bitrix24Fetcher.forTenants(config, VendorApi::defaults), topics, bootstrapServers));
                enrichers.put("amocrmEnricher", CrmEnricher.startIfConfigured(Vendor.AMOCRM,
                        AmoCrmFetcher.forTenants(config, VendorApi::defaults), topics, bootstrapServers));
                enrichers.forEach((name, enricher) -> {
                    if (enricher != null) {
                        started.add(0, enricher);
                        health.add(name, enricher::health);
                    }
                });
                Bitrix24LeadSink bitrix24Leads = Bitrix24LeadSink.startIfConfigured(config, topics, bootstrapServers, VendorApi::defaults);
                if (bitrix24Leads != null) {
                    started.add(0, bitrix24Leads);
                    health.add("bitrix24LeadSink", bitrix24Leads::health);
                }
                AmoCrmLeadSink amoCrmLeads = AmoCrmLeadSink.startIfConfigured(config, topics, bootstrapServers, VendorApi::defaults);
                if (amoCrmLeads != null) {
                    started.add(0, amoCrmLeads);
                    health.add("amocrmLeadSink", amoCrmLeads::health);
                }
                Map<String, AlertSink> alertSinks = new LinkedHashMap<>();
                alertSinks.put("telegramAlerts", TelegramAlertSink.startIfConfigured(config, topics, bootstrapServers, VendorApi::defaults,
                        Clock.systemUTC()));
                alertSinks.put("webhookAlerts", WebhookAlertSink.startIfConfigured(config, topics, bootstrapServers, VendorApi::defaults,
                        Clock.systemUTC()));
                alertSinks.put("alertmanagerAlerts", AlertmanagerAlertSink.startIfConfigured(config, topics, bootstrapServers,
                        VendorApi::defaults, Clock.systemUTC()));
                alertSinks.forEach((name, sink) -> {
                    if (sink != null) {
                        started.add(0, sink);
                        health.add(name, sink::health);
                    }
                });
            }
            started.add(0, http); // closed first: stop taking requests before anything they need stops
            http.start(httpOptions.host, port);
            return new LeadflowNode(http, engine, started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static String advertisedHost(EngineOptions engine, HttpOptions http) {
        if (engine.advertisedHost != null && !engine.advertisedHost.isBlank()) {
            return engine.advertisedHost;
        }
        return "0.0.0.0".equals(http.host) ? "127.0.0.1" : http.host;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("No free port for the HTTP API", e);
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** Blocks until the engine processes (no-op for a gateway-only node). */
    public void awaitEngineRunning(Duration timeout) throws InterruptedException {
        if (engine != null) {
            engine.awaitRunning(timeout);
        }
    }

    @Override
    public void close() {
        closeAll(parts);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}", part, e);
            }
        }
    }
}
