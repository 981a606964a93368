package io.karst.etcdserver.internal;

import io.karst.etcdserver.internal.etcdserverpb.ResponseHeader;

/** The header every etcd response carries, as a single-member cluster that never changes leader reports it. */
final class ResponseHeaders {
    /** Fixed rather than random: there is one member and clients only compare the value across responses. */
    static final long CLUSTER_ID = 0x6b61727374L;
    static final long MEMBER_ID = 0x6b61727374_01L;
    /** One member elected once: the raft term never moves. */
    static final long RAFT_TERM = 1;

    private ResponseHeaders() {
    }

    static ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder()
                .setClusterId(CLUSTER_ID)
                .setMemberId(MEMBER_ID)
                .setRevision(revision)
                .setRaftTerm(RAFT_TERM)
                .build();
    }
}
