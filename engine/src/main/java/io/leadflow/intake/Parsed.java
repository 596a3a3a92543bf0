package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.Touch;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The canonical events one raw envelope yields: call outcomes, marketing touches, CRM stage changes.
 *
 * @param superseded vendor dedupe keys this envelope makes stale: an event carrying one of them that
 *                   arrives later is dropped like a redelivery (Mango call states older than the one seen)
 */
public record Parsed(List<CallEvent> calls, List<Touch> touches, List<CrmStageChange> stageChanges, List<String> superseded) {
    public static final Parsed NOTHING = new Parsed(List.of(), List.of(), List.of(), List.of());

    public Parsed {
        calls = List.copyOf(calls);
        touches = List.copyOf(touches);
        stageChanges = List.copyOf(stageChanges);
        superseded = List.copyOf(superseded);
    }

    public static Parsed of(CallEvent call) {
        return new Parsed(List.of(call), List.of(), List.of(), List.of());
    }

    public static Parsed of(Touch touch) {
        return new Parsed(List.of(), List.of(touch), List.of(), List.of());
    }

    public static Parsed of(List<CrmStageChange> stageChanges) {
        return new Parsed(List.of(), List.of(), stageChanges, List.of());
    }

    /** The latest event time among what was parsed. */
    public Optional<Instant> latestEventTime() {
        return Stream.of(calls.stream().map(CallEvent::getStartedAt), touches.stream().map(Touch::getOccurredAt),
                stageChanges.stream().map(CrmStageChange::getOccurredAt)).flatMap(s -> s).max(Instant::compareTo);
    }

    public Parsed superseding(List<String> dedupeKeys) {
        return new Parsed(calls, touches, stageChanges, dedupeKeys);
    }
}
