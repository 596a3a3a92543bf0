package io.leadflow.attribution;

import io.leadflow.avro.AttributedTouch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How a lead's credit is shared among the touches before it (oldest first). Every model's credits sum to 1. The
 * version names the rules and parameters: when either changes, the version does, and outputs of different versions
 * are never added up.
 */
public enum AttributionModel {
    /** All to the first touch. */
    FIRST_TOUCH,
    /** All to the last touch. */
    LAST_TOUCH,
    /** All to the last touch with a known source; to the last touch when every one was direct. */
    LAST_NON_DIRECT,
    /** Equal shares. */
    LINEAR,
    /** 40 % to the first, 40 % to the last, 20 % shared by those between (one touch: all; two: half each). */
    POSITION_BASED,
    /** Weights halving every half-life a touch lies before the lead, normalised. */
    TIME_DECAY;

    /** Bumped whenever any model's rules change. */
    public static final int RULES = 1;
    public static final String DIRECT = "(direct)";

    /** e.g. {@code time-decay}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** e.g. {@code time-decay/1 halfLife=P7D}. */
    public String version(Duration halfLife) {
        return id() + "/" + RULES + (this == TIME_DECAY ? " halfLife=" + halfLife : "");
    }

    /** The credit of each touch (oldest first) for a lead at {@code conversion}. */
    public double[] credits(List<AttributedTouch> touches, Instant conversion, Duration halfLife) {
        int n = touches.size();
        double[] credits = new double[n];
        if (n == 0) {
            return credits;
        }
        switch (this) {
            case FIRST_TOUCH -> credits[0] = 1;
            case LAST_TOUCH -> credits[n - 1] = 1;
            case LAST_NON_DIRECT -> {
                int last = n - 1;
                for (int i = n - 1; i >= 0; i--) {
                    if (!DIRECT.equals(touches.get(i).getSource())) {
                        last = i;
                        break;
                    }
                }
                credits[last] = 1;
            }
            case LINEAR -> java.util.Arrays.fill(credits, 1.0 / n);
            case POSITION_BASED -> {
                if (n <= 2) {
                    java.util.Arrays.fill(credits, 1.0 / n);
                } else {
                    credits[0] = 0.4;
                    credits[n - 1] = 0.4;
                    for (int i = 1; i < n - 1; i++) {
                        credits[i] = 0.2 / (n - 2);
                    }
                }
            }
            case TIME_DECAY -> {
                double total = 0;
                for (int i = 0; i < n; i++) {
                    double age = Math.max(0, Duration.between(touches.get(i).getAt(), conversion).toMillis());
                    credits[i] = Math.pow(2, -age / halfLife.toMillis());
                    total += credits[i];
                }
                for (int i = 0; i < n; i++) {
                    credits[i] /= total;
                }
            }
            default -> throw new IllegalStateException("no rules for " + this);
        }
        return credits;
    }
}
