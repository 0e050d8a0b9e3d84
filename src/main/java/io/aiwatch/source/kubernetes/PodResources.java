package io.aiwatch.source.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One pod of the kubelet's {@code ListPodResourcesResponse} (podresources/v1), with only the
 * fields attribution needs; decoded from protobuf wire format by {@link #decodeList}.
 *
 * @param name       pod name
 * @param namespace  pod namespace
 * @param containers containers that hold devices
 */
record PodResources(String name, String namespace, List<Container> containers) {

    PodResources {
        containers = List.copyOf(containers);
    }

    /** A container and the devices the kubelet assigned to it. */
    record Container(String name, List<Devices> devices) {
        Container {
            devices = List.copyOf(devices);
        }
    }

    /** Device ids of one extended resource, e.g. {@code nvidia.com/gpu} → {@code GPU-…}. */
    record Devices(String resourceName, List<String> deviceIds) {
        Devices {
            deviceIds = List.copyOf(deviceIds);
        }
    }

    /** ListPodResourcesResponse: field 1, repeated PodResources. Unknown fields are skipped. */
    static List<PodResources> decodeList(byte[] message) throws IOException {
        List<PodResources> pods = new ArrayList<>();
        Wire w = new Wire(message, 0, message.length);
        while (w.more()) {
            int tag = w.tag();
            if (tag == field(1, 2)) {
                pods.add(pod(w.embedded()));
            } else {
                w.skip(tag);
            }
        }
        return pods;
    }

    private static PodResources pod(Wire w) throws IOException {
        String name = "";
        String namespace = "";
        List<Container> containers = new ArrayList<>();
        while (w.more()) {
            int tag = w.tag();
            if (tag == field(1, 2)) {
                name = w.string();
            } else if (tag == field(2, 2)) {
                namespace = w.string();
            } else if (tag == field(3, 2)) {
                containers.add(container(w.embedded()));
            } else {
                w.skip(tag);
            }
        }
        return new PodResources(name, namespace, containers);
    }

    private static Container container(Wire w) throws IOException {
        String name = "";
        List<Devices> devices = new ArrayList<>();
        while (w.more()) {
            int tag = w.tag();
            if (tag == field(1, 2)) {
                name = w.string();
            } else if (tag == field(2, 2)) {
                devices.add(devices(w.embedded()));
            } else {
                w.skip(tag);
            }
        }
        return new Container(name, devices);
    }

    private static Devices devices(Wire w) throws IOException {
        String resource = "";
        List<String> ids = new ArrayList<>();
        while (w.more()) {
            int tag = w.tag();
            if (tag == field(1, 2)) {
                resource = w.string();
            } else if (tag == field(2, 2)) {
                ids.add(w.string());
            } else {
                w.skip(tag);
            }
        }
        return new Devices(resource, ids);
    }

    private static int field(int number, int wireType) {
        return number << 3 | wireType;
    }

    /** A cursor over protobuf wire format within [pos, end). */
    private static final class Wire {
        private final byte[] b;
        private int pos;
        private final int end;

        Wire(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() throws IOException {
            long t = varint();
            if (t <= 0 || t > Integer.MAX_VALUE) {
                throw new IOException("protobuf: invalid tag " + t);
            }
            return (int) t;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("protobuf: truncated varint");
                }
                int x = b[pos++] & 0xFF;
                value |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException("protobuf: varint longer than 10 bytes");
        }

        private int length() throws IOException {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IOException("protobuf: length " + n + " runs past the message");
            }
            return (int) n;
        }

        Wire embedded() throws IOException {
            int n = length();
            Wire w = new Wire(b, pos, pos + n);
            pos += n;
            return w;
        }

        String string() throws IOException {
            int n = length();
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        void skip(int tag) throws IOException {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw new IOException("protobuf: unsupported wire type " + (tag & 7));
            }
        }

        private void advance(int n) throws IOException {
            if (n > end - pos) {
                throw new IOException("protobuf: field runs past the message");
            }
            pos += n;
        }
    }
}
