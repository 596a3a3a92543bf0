package io.leadflow.sla;

import io.leadflow.avro.LeadClass;
import io.leadflow.avro.SlaAction;
import io.leadflow.avro.SlaClock;
import io.leadflow.avro.SlaStep;
import io.leadflow.config.SlaConfig;
import io.leadflow.config.SlaConfig.Policy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One tenant's SLA configuration made concrete: the clock a lead gets when it opens, enters a stage or was a
 * missed call, with every step (warnings, breach, reassignment, callback attempts) computed up front on the
 * policy's clock — calendar time, or business time over the tenant's working hours and holidays. Computing the
 * steps once, when the clock starts, keeps firing cheap and makes a replay fire the same steps at the same instants.
 */
public final class SlaPolicies {
    static final String RESPONSE = "response:";
    static final String STAGE = "stage:";
    static final String CALLBACKS = "callbacks";

    private final SlaConfig config;
    private final BusinessCalendar calendar;

    public SlaPolicies(SlaConfig config, ZoneId zone) {
        this.config = config;
        this.calendar = new BusinessCalendar(config.businessHours(), zone);
    }

    /** The first-response clock of a lead of this class, opened at {@code openedAt}. */
    public SlaClock response(LeadClass leadClass, Instant openedAt) {
        return clock(RESPONSE + leadClass.name(), config.policyFor(leadClass.name()), openedAt);
    }

    /** The time-in-stage clock of a CRM stage, when the tenant limits that stage. */
    public Optional<SlaClock> stage(String stageId, Instant enteredAt) {
        return Optional.ofNullable(config.stages().get(stageId)).map(policy -> clock(STAGE + stageId, policy, enteredAt));
    }

    /** The callback schedule of a missed call, unless the tenant turned callbacks off. */
    public Optional<SlaClock> callbacks(Instant missedAt) {
        List<String> schedule = config.callbacks();
        if (schedule.isEmpty()) {
            return Optional.empty();
        }
        List<SlaStep> steps = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i++) {
            String when = schedule.get(i);
            Instant at = SlaConfig.NEXT_MORNING.equals(when) ? calendar.nextStart(missedAt) : missedAt.plus(Duration.parse(when));
            steps.add(step(at, SlaAction.CALLBACK, 0, i + 1));
        }
        steps.sort(java.util.Comparator.comparing(SlaStep::getAt));
        return Optional.of(new SlaClock(CALLBACKS, missedAt, null, steps, 0));
    }

    /** The policy a clock was started from (its RACI roles), as the configuration says now. */
    public Optional<Policy> policyOf(SlaClock clock) {
        String name = clock.getPolicy();
        if (name.startsWith(RESPONSE)) {
            return Optional.of(config.policyFor(name.substring(RESPONSE.length())));
        }
        return name.startsWith(STAGE) ? Optional.ofNullable(config.stages().get(name.substring(STAGE.length()))) : Optional.empty();
    }

    private SlaClock clock(String name, Policy policy, Instant start) {
        Instant deadline = after(policy, start, policy.target());
        List<SlaStep> steps = new ArrayList<>();
        for (double fraction : policy.warnAt()) {
            steps.add(step(after(policy, start, Duration.ofMillis(Math.round(policy.target().toMillis() * fraction))), SlaAction.WARN,
                    fraction, 0));
        }
        steps.add(step(deadline, SlaAction.BREACH, 1, 0));
        if (policy.reassignAfter() != null) {
            steps.add(step(after(policy, start, policy.target().plus(policy.reassignAfter())), SlaAction.REASSIGN, 1, 0));
        }
        return new SlaClock(name, start, deadline, steps, 0);
    }

    private Instant after(Policy policy, Instant start, Duration duration) {
        return policy.clock() == SlaConfig.Clock.BUSINESS ? calendar.plus(start, duration) : start.plus(duration);
    }

    private static SlaStep step(Instant at, SlaAction action, double fraction, int attempt) {
        return SlaStep.newBuilder().setAt(at).setAction(action).setFraction(fraction).setAttempt(attempt).build();
    }
}
