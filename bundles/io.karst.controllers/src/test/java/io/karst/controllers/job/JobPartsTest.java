package io.karst.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Job controller's pure parts: the failure backoff, completed index ranges, pod failure policy rules. */
class JobPartsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void backoffDoublesFromTenSecondsUpToTenMinutesAndASuccessResetsIt() {
        Backoff b = Backoff.NONE;
        assertEquals(Duration.ZERO, b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        b = b.record(false, T0);
        assertEquals(Duration.ofSeconds(10), b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        assertEquals(Duration.ofSeconds(4),
                b.remaining(T0.plusSeconds(6), JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        b = b.record(false, T0);
        assertEquals(Duration.ofSeconds(20), b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        b = b.record(false, T0);
        assertEquals(Duration.ofSeconds(40), b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        for (int i = 0; i < 20; i++) {
            b = b.record(false, T0);
        }
        assertEquals(Duration.ofMinutes(10), b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        assertEquals(Duration.ZERO,
                b.remaining(T0.plusSeconds(600), JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
        b = b.record(true, T0);
        assertEquals(Duration.ZERO, b.remaining(T0, JobController.DEFAULT_BACKOFF, JobController.MAX_BACKOFF));
    }

    @Test
    void completedIndexesAreWrittenAsRanges() {
        TreeSet<Integer> indexes = new TreeSet<>(List.of(7, 1, 3, 4, 5, 0));
        assertEquals("0-1,3-5,7", CompletedIndexes.format(indexes));
        assertEquals(indexes, CompletedIndexes.parse("0-1,3-5,7", 10));
        assertEquals(new TreeSet<>(List.of(0, 1, 3)), CompletedIndexes.parse("0-1,3-5,7", 4));
        assertEquals("", CompletedIndexes.format(new TreeSet<>()));
    }

    @Test
    void theFirstMatchingRuleDecides() throws Exception {
        ObjectNode policy = (ObjectNode) JSON.readTree(("{'rules':["
                + "{'action':'Ignore','onPodConditions':[{'type':'DisruptionTarget','status':'True'}]},"
                + "{'action':'FailJob','onExitCodes':{'containerName':'main','operator':'NotIn','values':[1,2]}},"
                + "{'action':'Count','onExitCodes':{'operator':'In','values':[1]}}]}").replace('\'', '"'));
        assertEquals("FailJob", PodFailurePolicy.match(policy, pod("main", 7, false)).action());
        assertEquals("Container main for pod ns/p failed with exit code 7 matching FailJob rule at index 1",
                PodFailurePolicy.match(policy, pod("main", 7, false)).message());
        assertEquals("Count", PodFailurePolicy.match(policy, pod("main", 1, false)).action());
        assertNull(PodFailurePolicy.match(policy, pod("main", 2, false)));
        assertNull(PodFailurePolicy.match(policy, pod("side", 7, false)), "containerName limits the rule");
        assertEquals("Ignore", PodFailurePolicy.match(policy, pod("main", 7, true)).action());
    }

    private static ObjectNode pod(String container, int exitCode, boolean disrupted) throws Exception {
        ObjectNode pod = (ObjectNode) JSON.readTree(("{'metadata':{'namespace':'ns','name':'p'},'status':{"
                + "'phase':'Failed','containerStatuses':[{'name':'" + container + "','state':{'terminated':"
                + "{'exitCode':" + exitCode + "}}}]}}").replace('\'', '"'));
        if (disrupted) {
            pod.withObject("/status").putArray("conditions").addObject().put("type", "DisruptionTarget")
                    .put("status", "True");
        }
        return pod;
    }
}
