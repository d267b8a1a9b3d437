package io.ringmetrics.config;

/**
 * How labels travel to StatsD.
 */
public enum StatsdTagStyle
{
    /** Labels folded into the dotted metric name (plain StatsD). */
    NONE,
    /** DogStatsD tags: {@code |#name:value,...}. */
    DOGSTATSD
}
