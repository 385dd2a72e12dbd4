package org.tcplab.engine.stack;

import org.tcplab.engine.wire.SeqNum;

/**
 * Where initial sequence numbers come from. RFC 6528: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), M a 4-microsecond clock. In the simulator the key comes from the lab's seed.
 */
@FunctionalInterface
public interface IsnSource {
    SeqNum isn(long nowUs, ConnectionKey key);
}
