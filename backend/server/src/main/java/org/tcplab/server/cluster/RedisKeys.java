package org.tcplab.server.cluster;

/**
 * The Redis keys of cluster mode (docs/cluster.md has the table). The journal stream's entry n has
 * the explicit id {@code 0-n}, so the stream's numbering is the journal's and "entries after n" is
 * {@code XRANGE (0-n +}.
 */
final class RedisKeys {

    /** Live lab ids, each scored with the time its keys expire (counted for tcplab.max-labs). */
    static final String LABS = "tcplab:labs";

    private RedisKeys() {}

    /** Hash: the token's SHA-256, settings, clock at creation, created, mode. */
    static String lab(String id) {
        return "tcplab:lab:" + id;
    }

    /** Stream: the journal entries, entry n with id 0-n. */
    static String journal(String id) {
        return "tcplab:journal:" + id;
    }

    /** String: the instance running the lab ("id url"), with a time to live. */
    static String lease(String id) {
        return "tcplab:lease:" + id;
    }

    /** String with a time to live: viewers somewhere watch the lab. */
    static String seen(String id) {
        return "tcplab:seen:" + id;
    }

    /** Hash: one client address's creation window (its start and count). */
    static String rate(String clientKey) {
        return "tcplab:rate:" + clientKey;
    }

    static String streamId(long seq) {
        return "0-" + seq;
    }

    static long seq(String streamId) {
        return Long.parseLong(streamId.substring(streamId.indexOf('-') + 1));
    }
}
