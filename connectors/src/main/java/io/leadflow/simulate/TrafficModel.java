package io.leadflow.simulate;

/**
 * The shape of simulated traffic. Rates are probabilities per call.
 *
 * @param callsPerDay   mean inbound calls (and form requests) per tenant and day, before the hour and weekday profile
 * @param flatProfile   the same rate at every hour (live demo) instead of office hours and quiet weekends
 * @param timeScale     multiplies every follow-up delay (callbacks, late CallTouch records, CRM moves): 1 for
 *                      realistic history, small for a live demo where a day of deal progress should take minutes
 * @param maxTalkSeconds the longest conversation; answered calls last 30 s up to this
 */
public record TrafficModel(long seed, double callsPerDay, boolean flatProfile, double timeScale, int maxTalkSeconds,
                           double answerRate, double repeatCallerRate, double trackedRate, double formRate,
                           double callbackRate, double dealRate, double winRate, double duplicateRate,
                           double lateRate) {

    /** A mid-sized sales office: three of four calls answered, one in five a repeat caller. */
    public static TrafficModel realistic(long seed, double callsPerDay) {
        return new TrafficModel(seed, callsPerDay, false, 1.0, 600, 0.75, 0.2, 0.6, 0.1, 0.7, 0.4, 0.35, 0.03, 0.05);
    }

    /** Live demo traffic at {@code callsPerSecond}, with a day of deal progress squeezed into about a quarter of an hour. */
    public static TrafficModel demo(long seed, double callsPerSecond) {
        return new TrafficModel(seed, callsPerSecond * 86_400, true, 0.01, 60, 0.7, 0.25, 0.6, 0.1, 0.7, 0.4, 0.35, 0.03, 0.05);
    }
}
