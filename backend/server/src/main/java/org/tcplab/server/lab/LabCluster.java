package org.tcplab.server.lab;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What instances sharing one store agree on (cluster mode, {@code cluster.RedisLabCluster}): which
 * instance runs a lab (the holder of its lease, which expires when its holder dies), the limits
 * counted across all of them, and the journals others write, for the labs this instance follows.
 * One instance alone is {@link #single()}: it runs every lab it knows and counts only its own.
 */
public interface LabCluster {

    /** An instance: its id and the base URL its peers reach it at. */
    record Instance(String id, String url) {}

    /** Whether other instances share the store. */
    boolean enabled();

    Instance self();

    /** The instance whose lease runs the lab, while one holds it. */
    Optional<Instance> owner(String labId);

    /** Whether the store still has the lab (another instance may have deleted it). */
    boolean exists(String labId);

    /** Takes the lab's lease when it is free, or keeps it when it is ours: whether this instance runs it now. */
    boolean lead(String labId);

    /** Renews the leases of the labs this instance runs; answers the ones it no longer holds. */
    Set<String> renew(Collection<String> labIds);

    /** Gives the lab's lease up (this instance stops), so another may take it over at once. */
    void resign(String labId);

    /** Counts a new lab against {@code max} across the cluster; 503 {@code server-full} when there is no room. */
    void admit(String labId, int max);

    /** Counts one creation against the client's current minute across the cluster; 429 past {@code perMinute}. */
    void countCreation(String clientKey, int perMinute);

    /**
     * Waits at most {@code block} for journal entries after the ones each lab has applied
     * ({@code applied}: lab id to entry count); answers, for each lab that has new ones, the number of
     * the last one it saw (read them with {@link LabStore#entriesAfter}).
     */
    Map<String, Long> follow(Map<String, Long> applied, Duration block);

    /** Viewers here watch the lab: its owner's idle sweep leaves it alone for {@code ttl}. */
    void seen(String labId, Duration ttl);

    /** Whether viewers on some instance watched the lab within their last {@link #seen}. */
    boolean seenElsewhere(String labId);

    /** One instance alone. */
    static LabCluster single() {
        return Single.INSTANCE;
    }

    /** One instance alone: it runs every lab it knows; nothing is shared. */
    enum Single implements LabCluster {
        INSTANCE;

        private static final Instance SELF = new Instance("single", "");

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Instance self() {
            return SELF;
        }

        @Override
        public Optional<Instance> owner(String labId) {
            return Optional.of(SELF);
        }

        @Override
        public boolean exists(String labId) {
            return true;
        }

        @Override
        public boolean lead(String labId) {
            return true;
        }

        @Override
        public Set<String> renew(Collection<String> labIds) {
            return Set.of();
        }

        @Override
        public void resign(String labId) {}

        @Override
        public void admit(String labId, int max) {
            throw new UnsupportedOperationException("one instance counts its labs itself");
        }

        @Override
        public void countCreation(String clientKey, int perMinute) {
            throw new UnsupportedOperationException("one instance counts creations itself");
        }

        @Override
        public Map<String, Long> follow(Map<String, Long> applied, Duration block) {
            return Map.of();
        }

        @Override
        public void seen(String labId, Duration ttl) {}

        @Override
        public boolean seenElsewhere(String labId) {
            return false;
        }
    }
}
