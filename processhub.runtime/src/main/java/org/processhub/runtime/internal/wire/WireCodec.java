package org.processhub.runtime.internal.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.processhub.api.ChildSpec;
import org.processhub.api.ErrorCode;
import org.processhub.api.InvalidSpecException;
import org.processhub.api.NodeId;
import org.processhub.api.RestartPolicy;
import org.processhub.runtime.internal.wire.Message.Announce;
import org.processhub.runtime.internal.wire.Message.Call;
import org.processhub.runtime.internal.wire.Message.CallReply;
import org.processhub.runtime.internal.wire.Message.Insert;
import org.processhub.runtime.internal.wire.Message.ItemResult;
import org.processhub.runtime.internal.wire.Message.Leave;
import org.processhub.runtime.internal.wire.Message.RegistryDelta;
import org.processhub.runtime.internal.wire.Message.RegistryOp;
import org.processhub.runtime.internal.wire.Message.Remove;
import org.processhub.runtime.internal.wire.Message.Running;
import org.processhub.runtime.internal.wire.Message.StartItem;
import org.processhub.runtime.internal.wire.Message.StartReply;
import org.processhub.runtime.internal.wire.Message.StartRequest;
import org.processhub.runtime.internal.wire.Message.StopReply;
import org.processhub.runtime.internal.wire.Message.StopRequest;
import org.processhub.runtime.internal.wire.Message.SyncRow;
import org.processhub.runtime.internal.wire.Message.SyncSnapshot;
import org.processhub.runtime.internal.wire.Message.WhichReply;
import org.processhub.runtime.internal.wire.Message.WhichRequest;
import org.processhub.runtime.internal.wire.Message.SyncDigest;
import org.processhub.runtime.internal.wire.Message.SyncPull;
import org.processhub.runtime.internal.wire.Message.SyncRound;

/**
 * The hub's binary wire format: one {@link Message} per frame.
 *
 * <h2>Frame layout</h2>
 * <pre>
 *   0x50 0x48          magic "PH"
 *   version            1 byte, {@link #VERSION}
 *   type               1 byte, one of the TYPE_ constants (1..15)
 *   hubId              string, at most {@link #MAX_HUB_ID} chars
 *   fields             the record's remaining fields in declaration order
 * </pre>
 * Field encodings: {@code String} = varint UTF-8 byte length + bytes (nullable message strings: length + 1,
 * 0 = null); {@code boolean} = 1 byte 0/1; {@code int}/{@code long} = zigzag varint/varlong; {@code NodeId} =
 * its name as a string; {@code ErrorCode} (nullable) = 1 byte, 0 = null, else ordinal + 1; {@code ChildSpec} =
 * id, factory, varint arg count + (name, {@link PayloadCodec} value) pairs, restart policy ordinal byte;
 * {@code Map<String,String>} = varint count + key/value strings; {@code List} = varint count + elements;
 * {@code Object} payloads = {@link PayloadCodec}; {@code RegistryOp} = tag byte ({@code 1} Insert,
 * {@code 2} Remove) + the record's fields. Enum ordinals are part of the format: only append constants to
 * {@link ErrorCode} and {@link RestartPolicy}.
 *
 * <h2>Contract</h2>
 * {@link #encode} throws {@link NullPointerException} for a null required field (only {@code ItemResult.message},
 * {@code CallReply.message}, error codes and payloads may be null), {@link IllegalArgumentException} for a
 * hubId over {@link #MAX_HUB_ID} chars or a string with an unpaired surrogate, and
 * {@link org.processhub.api.InvalidPayloadException} for a payload {@link org.processhub.api.Payloads} refuses.
 *
 * <p>{@link #decode} accepts any byte array and either returns a message or throws {@link WireFormatException};
 * it never throws anything else, never hangs, and allocates memory proportional to the frame size, since every
 * count and length is checked against the bytes left before anything is sized by it (bound the frame size in
 * the transport: a decoded message takes several times its frame on the heap; strings and byte arrays are
 * also capped at {@link WireInput#DEFAULT_MAX_LENGTH}). Nested {@code NodeId}s and {@code ChildSpec}s are validated by their
 * constructors. Decoded collections of the message records are unmodifiable; payload lists and maps are
 * {@link ArrayList}s and {@link LinkedHashMap}s. Map keys (metadata, arguments, payload maps) must be unique.
 *
 * <p>Stateless and thread-safe.
 */
public final class WireCodec {
    /** The wire format version this codec writes and reads. */
    public static final int VERSION = 1;
    /** Longest hub id, in chars. */
    public static final int MAX_HUB_ID = 255;

    public static final int TYPE_ANNOUNCE = 1;
    public static final int TYPE_LEAVE = 2;
    public static final int TYPE_START_REQUEST = 3;
    public static final int TYPE_START_REPLY = 4;
    public static final int TYPE_STOP_REQUEST = 5;
    public static final int TYPE_STOP_REPLY = 6;
    public static final int TYPE_REGISTRY_DELTA = 7;
    public static final int TYPE_SYNC_SNAPSHOT = 8;
    public static final int TYPE_CALL = 9;
    public static final int TYPE_CALL_REPLY = 10;
    public static final int TYPE_WHICH_REQUEST = 11;
    public static final int TYPE_WHICH_REPLY = 12;
    public static final int TYPE_SYNC_ROUND = 13;
    public static final int TYPE_SYNC_DIGEST = 14;
    public static final int TYPE_SYNC_PULL = 15;

    static final int MAGIC_0 = 0x50;
    static final int MAGIC_1 = 0x48;
    static final int OP_INSERT = 1;
    static final int OP_REMOVE = 2;

    private static final String[] TYPE_NAMES = {null, "Announce", "Leave", "StartRequest", "StartReply",
        "StopRequest", "StopReply", "RegistryDelta", "SyncSnapshot", "Call", "CallReply", "WhichRequest",
        "WhichReply", "SyncRound", "SyncDigest", "SyncPull"};
    private static final RestartPolicy[] RESTART_POLICIES = RestartPolicy.values();
    private static final ErrorCode[] ERROR_CODES = ErrorCode.values();
    /** Largest NodeId name (NodeId's own rule). */
    private static final int MAX_NODE_NAME = 255;
    /**
     * Decoded node ids and factory names, shared: every registry row holds both, and a copy per row cost
     * ~110 bytes on every node. Bounded, so a peer sending made-up names cannot grow it without limit.
     */
    private static final int MAX_CANONICAL = 4096;
    private static final Map<String, NodeId> NODES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, String> FACTORIES = new java.util.concurrent.ConcurrentHashMap<>();

    // Fewest bytes an element can take on the wire: counts are checked against them before allocating.
    private static final int MIN_STRING = 1;
    private static final int MIN_STRING_PAIR = 2;
    private static final int MIN_NODE = 2; // length + at least one char
    private static final int MIN_ARG = 3; // non-empty name + value tag
    private static final int MIN_SPEC = 6; // id (2), factory (2), arg count, restart
    private static final int MIN_START_ITEM = MIN_SPEC + 4; // + metadata count, assigned count, flag, payload
    private static final int MIN_ITEM_RESULT = 4; // childId, incarnation, error, message
    private static final int MIN_REGISTRY_OP = 1 + 1 + MIN_NODE + 1; // a Remove
    private static final int MIN_SYNC_ROW = MIN_SPEC + 2;
    private static final int MIN_RUNNING = 2;

    private WireCodec() {}

    // ------------------------------------------------------------------------------------------------ encode

    /** The frame for {@code m}. See the class comment for what it throws. */
    public static byte[] encode(Message m) {
        WireOutput out = new WireOutput(initialCapacity(m));
        encode(m, out);
        return out.toByteArray();
    }

    /**
     * Appends the frame for {@code m} to {@code out} (lets a transport reuse one buffer). If this throws,
     * {@code out} holds a partial frame: reset or discard it.
     */
    public static void encode(Message m, WireOutput out) {
        // instanceof chain rather than a pattern switch (preview in Java 17); the hot types come first.
        if (m instanceof Call c) {
            header(out, TYPE_CALL, c.hubId());
            out.writeSignedVarLong(c.requestId());
            writeNode(out, c.origin(), "Call.origin");
            writeString(out, c.childId(), "Call.childId");
            out.writeBoolean(c.expectReply());
            PayloadCodec.write(out, c.payload());
        } else if (m instanceof CallReply r) {
            header(out, TYPE_CALL_REPLY, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeErrorCode(out, r.error());
            out.writeNullableString(r.message());
            PayloadCodec.write(out, r.payload());
        } else if (m instanceof RegistryDelta d) {
            header(out, TYPE_REGISTRY_DELTA, d.hubId());
            writeNode(out, d.origin(), "RegistryDelta.origin");
            writeNodes(out, d.reached(), "RegistryDelta.reached");
            writeOps(out, d.ops());
        } else if (m instanceof StartRequest r) {
            header(out, TYPE_START_REQUEST, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.origin(), "StartRequest.origin");
            out.writeBoolean(r.migration());
            out.writeSignedVarInt(r.hops());
            out.writeSignedVarLong(r.timeoutMillis());
            writeStartItems(out, r.items());
        } else if (m instanceof StartReply r) {
            header(out, TYPE_START_REPLY, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.node(), "StartReply.node");
            writeResults(out, r.results(), "StartReply.results");
        } else if (m instanceof StopRequest r) {
            header(out, TYPE_STOP_REQUEST, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.origin(), "StopRequest.origin");
            writeStrings(out, r.childIds(), "StopRequest.childIds");
        } else if (m instanceof StopReply r) {
            header(out, TYPE_STOP_REPLY, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.node(), "StopReply.node");
            writeResults(out, r.results(), "StopReply.results");
        } else if (m instanceof SyncSnapshot s) {
            header(out, TYPE_SYNC_SNAPSHOT, s.hubId());
            writeNode(out, s.node(), "SyncSnapshot.node");
            out.writeSignedVarLong(s.syncId());
            out.writeSignedVarLong(s.incarnationHigh());
            out.writeSignedVarInt(s.chunk());
            out.writeBoolean(s.last());
            writeSyncRows(out, s.rows());
        } else if (m instanceof Announce a) {
            header(out, TYPE_ANNOUNCE, a.hubId());
            writeNode(out, a.node(), "Announce.node");
            out.writeBoolean(a.replyWanted());
            out.writeSignedVarLong(a.hubStartedAt());
            writeStringMap(out, a.strategies(), "Announce.strategies");
        } else if (m instanceof Leave l) {
            header(out, TYPE_LEAVE, l.hubId());
            writeNode(out, l.node(), "Leave.node");
        } else if (m instanceof WhichRequest r) {
            header(out, TYPE_WHICH_REQUEST, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.origin(), "WhichRequest.origin");
        } else if (m instanceof WhichReply r) {
            header(out, TYPE_WHICH_REPLY, r.hubId());
            out.writeSignedVarLong(r.requestId());
            writeNode(out, r.node(), "WhichReply.node");
            writeRunning(out, r.running());
        } else if (m instanceof SyncRound r) {
            header(out, TYPE_SYNC_ROUND, r.hubId());
            writeNode(out, r.initiator(), "SyncRound.initiator");
            out.writeSignedVarLong(r.roundId());
            writeNodes(out, r.reached(), "SyncRound.reached");
        } else if (m instanceof SyncDigest d) {
            header(out, TYPE_SYNC_DIGEST, d.hubId());
            writeNode(out, d.node(), "SyncDigest.node");
            out.writeSignedVarInt(d.count());
            out.writeSignedVarLong(d.hash());
        } else if (m instanceof SyncPull p) {
            header(out, TYPE_SYNC_PULL, p.hubId());
            writeNode(out, p.node(), "SyncPull.node");
        } else if (m == null) {
            throw new NullPointerException("message");
        } else {
            throw new IllegalArgumentException("no wire type for " + m.getClass().getName());
        }
    }

    /** Saves most buffer growth for the big messages; a guess, not a bound. */
    private static int initialCapacity(Message m) {
        if (m instanceof StartRequest r && r.items() != null) {
            return 64 + 48 * Math.min(r.items().size(), 1 << 20);
        }
        if (m instanceof SyncSnapshot s && s.rows() != null) {
            return 64 + 40 * Math.min(s.rows().size(), 1 << 20);
        }
        if (m instanceof RegistryDelta d && d.ops() != null) {
            return 64 + 48 * Math.min(d.ops().size(), 1 << 20);
        }
        return 128;
    }

    private static void header(WireOutput out, int type, String hubId) {
        if (hubId == null) {
            throw new NullPointerException(TYPE_NAMES[type] + ".hubId");
        }
        if (hubId.length() > MAX_HUB_ID) {
            throw new IllegalArgumentException("hubId longer than " + MAX_HUB_ID + " characters: "
                    + quote(hubId));
        }
        out.writeByte(MAGIC_0);
        out.writeByte(MAGIC_1);
        out.writeByte(VERSION);
        out.writeByte(type);
        out.writeString(hubId);
    }

    private static void writeString(WireOutput out, String s, String field) {
        if (s == null) {
            throw new NullPointerException(field);
        }
        out.writeString(s);
    }

    private static void writeNode(WireOutput out, NodeId node, String field) {
        if (node == null) {
            throw new NullPointerException(field);
        }
        out.writeString(node.name());
    }

    private static void writeErrorCode(WireOutput out, ErrorCode code) {
        out.writeByte(code == null ? 0 : code.ordinal() + 1);
    }

    private static void writeSpec(WireOutput out, ChildSpec spec, String field) {
        if (spec == null) {
            throw new NullPointerException(field);
        }
        out.writeString(spec.id());
        out.writeString(spec.factory());
        Map<String, Object> args = spec.args(); // an unmodifiable copy owned by the spec: cannot change size
        out.writeVarInt(args.size());
        for (Map.Entry<String, Object> e : args.entrySet()) {
            out.writeString(e.getKey());
            PayloadCodec.write(out, e.getValue());
        }
        out.writeByte(spec.restart().ordinal());
    }

    private static void writeStringMap(WireOutput out, Map<String, String> map, String field) {
        if (map == null) {
            throw new NullPointerException(field);
        }
        int n = map.size();
        out.writeVarInt(n);
        int written = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey(), field + " key");
            writeString(out, e.getValue(), field + " value");
            written++;
        }
        checkCount(n, written, field);
    }

    private static void writeNodes(WireOutput out, List<NodeId> nodes, String field) {
        if (nodes == null) {
            throw new NullPointerException(field);
        }
        int n = nodes.size();
        out.writeVarInt(n);
        int written = 0;
        for (NodeId node : nodes) {
            writeNode(out, node, field + " element");
            written++;
        }
        checkCount(n, written, field);
    }

    private static void writeStrings(WireOutput out, List<String> strings, String field) {
        if (strings == null) {
            throw new NullPointerException(field);
        }
        int n = strings.size();
        out.writeVarInt(n);
        int written = 0;
        for (String s : strings) {
            writeString(out, s, field + " element");
            written++;
        }
        checkCount(n, written, field);
    }

    private static void writeStartItems(WireOutput out, List<StartItem> items) {
        if (items == null) {
            throw new NullPointerException("StartRequest.items");
        }
        int n = items.size();
        out.writeVarInt(n);
        int written = 0;
        for (StartItem item : items) {
            if (item == null) {
                throw new NullPointerException("StartRequest.items element");
            }
            writeSpec(out, item.spec(), "StartItem.spec");
            writeStringMap(out, item.metadata(), "StartItem.metadata");
            writeNodes(out, item.assigned(), "StartItem.assigned");
            out.writeBoolean(item.hasHandover());
            PayloadCodec.write(out, item.handoverState());
            written++;
        }
        checkCount(n, written, "StartRequest.items");
    }

    private static void writeResults(WireOutput out, List<ItemResult> results, String field) {
        if (results == null) {
            throw new NullPointerException(field);
        }
        int n = results.size();
        out.writeVarInt(n);
        int written = 0;
        for (ItemResult r : results) {
            if (r == null) {
                throw new NullPointerException(field + " element");
            }
            writeString(out, r.childId(), "ItemResult.childId");
            out.writeSignedVarLong(r.incarnation());
            writeErrorCode(out, r.error());
            out.writeNullableString(r.message());
            written++;
        }
        checkCount(n, written, field);
    }

    private static void writeOps(WireOutput out, List<RegistryOp> ops) {
        if (ops == null) {
            throw new NullPointerException("RegistryDelta.ops");
        }
        int n = ops.size();
        out.writeVarInt(n);
        int written = 0;
        for (RegistryOp op : ops) {
            if (op instanceof Insert i) {
                out.writeByte(OP_INSERT);
                writeSpec(out, i.spec(), "Insert.spec");
                writeStringMap(out, i.metadata(), "Insert.metadata");
                writeNode(out, i.node(), "Insert.node");
                out.writeSignedVarLong(i.incarnation());
            } else if (op instanceof Remove r) {
                out.writeByte(OP_REMOVE);
                writeString(out, r.childId(), "Remove.childId");
                writeNode(out, r.node(), "Remove.node");
                out.writeSignedVarLong(r.incarnation());
            } else if (op == null) {
                throw new NullPointerException("RegistryDelta.ops element");
            } else {
                throw new IllegalArgumentException("no wire tag for " + op.getClass().getName());
            }
            written++;
        }
        checkCount(n, written, "RegistryDelta.ops");
    }

    private static void writeSyncRows(WireOutput out, List<SyncRow> rows) {
        if (rows == null) {
            throw new NullPointerException("SyncSnapshot.rows");
        }
        int n = rows.size();
        out.writeVarInt(n);
        int written = 0;
        for (SyncRow row : rows) {
            if (row == null) {
                throw new NullPointerException("SyncSnapshot.rows element");
            }
            writeSpec(out, row.spec(), "SyncRow.spec");
            writeStringMap(out, row.metadata(), "SyncRow.metadata");
            out.writeSignedVarLong(row.incarnation());
            written++;
        }
        checkCount(n, written, "SyncSnapshot.rows");
    }

    private static void writeRunning(WireOutput out, List<Running> running) {
        if (running == null) {
            throw new NullPointerException("WhichReply.running");
        }
        int n = running.size();
        out.writeVarInt(n);
        int written = 0;
        for (Running r : running) {
            if (r == null) {
                throw new NullPointerException("WhichReply.running element");
            }
            writeString(out, r.childId(), "Running.childId");
            out.writeSignedVarLong(r.incarnation());
            written++;
        }
        checkCount(n, written, "WhichReply.running");
    }

    private static void checkCount(int announced, int written, String field) {
        if (announced != written) { // the count is already written: the frame would be corrupt
            throw new ConcurrentModificationException(field + " changed size while being encoded");
        }
    }

    // ------------------------------------------------------------------------------------------------ decode

    /**
     * Decodes a whole frame.
     *
     * @throws WireFormatException for any bad input, and nothing else
     */
    public static Message decode(byte[] frame) {
        if (frame == null) {
            throw new WireFormatException("null frame");
        }
        return decode(frame, 0, frame.length);
    }

    /**
     * Decodes the frame filling {@code frame[offset, offset + length)}.
     *
     * @throws WireFormatException for any bad input ({@code null} or a slice outside the array included)
     */
    public static Message decode(byte[] frame, int offset, int length) {
        WireInput in = input(frame, offset, length);
        int type = readHeader(in);
        String hubId = readHubId(in);
        Message m = readBody(in, type, hubId);
        in.expectEnd();
        return m;
    }

    /** The message type of a frame, reading only its header (for routing). */
    public static int peekType(byte[] frame) {
        return readHeader(input(frame, 0, frame == null ? 0 : frame.length));
    }

    /** The hub id of a frame, reading only its header (for routing). */
    public static String peekHubId(byte[] frame) {
        WireInput in = input(frame, 0, frame == null ? 0 : frame.length);
        readHeader(in);
        return readHubId(in);
    }

    /** The record name for a type number, or null if unknown (for logs). */
    public static String typeName(int type) {
        return type > 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : null;
    }

    private static WireInput input(byte[] frame, int offset, int length) {
        if (frame == null) {
            throw new WireFormatException("null frame");
        }
        if (offset < 0 || length < 0 || offset > frame.length - length) {
            throw new WireFormatException("frame slice [" + offset + ", +" + length + ") outside an array of "
                    + frame.length + " bytes");
        }
        return new WireInput(frame, offset, length);
    }

    private static int readHeader(WireInput in) {
        // Byte by byte, so a short frame of something else is reported as bad magic, not as truncated.
        int m0 = in.readUnsignedByte();
        int m1 = m0 == MAGIC_0 ? in.readUnsignedByte() : -1;
        if (m0 != MAGIC_0 || m1 != MAGIC_1) {
            throw new WireFormatException("not a hub frame: bad magic " + hex(m0) + (m1 < 0 ? "" : " " + hex(m1))
                    + ", expected " + hex(MAGIC_0) + " " + hex(MAGIC_1) + " (\"PH\")");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new WireFormatException("unsupported wire version " + version + " (this node supports version "
                    + VERSION + ")");
        }
        int type = in.readUnsignedByte();
        if (typeName(type) == null) {
            throw new WireFormatException("unknown message type " + type + " at offset 3");
        }
        return type;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** "0x" and two hex digits; String.format would cost microseconds per rejected frame. */
    private static String hex(int b) {
        return new String(new char[] {'0', 'x', HEX[(b >> 4) & 0xF], HEX[b & 0xF]});
    }

    private static String readHubId(WireInput in) {
        return in.readString(MAX_HUB_ID, "hubId");
    }

    // Record fields are read in declaration order by evaluating the constructor arguments, which Java does
    // strictly left to right (JLS 15.7.4).
    private static Message readBody(WireInput in, int type, String hubId) {
        switch (type) {
            case TYPE_ANNOUNCE:
                return new Announce(hubId, readNode(in), in.readBoolean(), in.readSignedVarLong(),
                        readStringMap(in, "strategies"));
            case TYPE_LEAVE:
                return new Leave(hubId, readNode(in));
            case TYPE_START_REQUEST:
                return new StartRequest(hubId, in.readSignedVarLong(), readNode(in), in.readBoolean(),
                        in.readSignedVarInt(), in.readSignedVarLong(), readStartItems(in));
            case TYPE_START_REPLY:
                return new StartReply(hubId, in.readSignedVarLong(), readNode(in), readResults(in));
            case TYPE_STOP_REQUEST:
                return new StopRequest(hubId, in.readSignedVarLong(), readNode(in), readStrings(in));
            case TYPE_STOP_REPLY:
                return new StopReply(hubId, in.readSignedVarLong(), readNode(in), readResults(in));
            case TYPE_REGISTRY_DELTA:
                return new RegistryDelta(hubId, readNode(in), readNodes(in, "reached"), readOps(in));
            case TYPE_SYNC_SNAPSHOT:
                return new SyncSnapshot(hubId, readNode(in), in.readSignedVarLong(), in.readSignedVarLong(),
                        in.readSignedVarInt(), in.readBoolean(), readSyncRows(in));
            case TYPE_CALL:
                return new Call(hubId, in.readSignedVarLong(), readNode(in), in.readString(), in.readBoolean(),
                        PayloadCodec.read(in));
            case TYPE_CALL_REPLY:
                return new CallReply(hubId, in.readSignedVarLong(), readErrorCode(in),
                        in.readNullableString("message"), PayloadCodec.read(in));
            case TYPE_WHICH_REQUEST:
                return new WhichRequest(hubId, in.readSignedVarLong(), readNode(in));
            case TYPE_WHICH_REPLY:
                return new WhichReply(hubId, in.readSignedVarLong(), readNode(in), readRunning(in));
            case TYPE_SYNC_ROUND:
                return new SyncRound(hubId, readNode(in), in.readSignedVarLong(), readNodes(in, "reached"));
            case TYPE_SYNC_DIGEST:
                return new SyncDigest(hubId, readNode(in), in.readSignedVarInt(), in.readSignedVarLong());
            case TYPE_SYNC_PULL:
                return new SyncPull(hubId, readNode(in));
            default: // readHeader accepted it, so this is a codec bug
                throw new IllegalStateException("no decoder for type " + type);
        }
    }

    private static NodeId readNode(WireInput in) {
        int at = in.offset();
        String name = in.readString(MAX_NODE_NAME, "node name");
        NodeId known = NODES.get(name);
        if (known != null) return known;
        try {
            NodeId node = new NodeId(name);
            if (NODES.size() < MAX_CANONICAL) NODES.putIfAbsent(name, node);
            return node;
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid node name " + quote(name) + " at offset " + at, e);
        }
    }

    private static ErrorCode readErrorCode(WireInput in) {
        int at = in.offset();
        int b = in.readUnsignedByte();
        if (b == 0) {
            return null;
        }
        if (b > ERROR_CODES.length) {
            throw new WireFormatException("unknown error code " + b + " at offset " + at);
        }
        return ERROR_CODES[b - 1];
    }

    private static ChildSpec readSpec(WireInput in) {
        int at = in.offset();
        String id = in.readString(ChildSpec.MAX_ID_LENGTH, "child id");
        String factory = canonicalFactory(in.readString());
        int n = in.readCount(MIN_ARG, "argument");
        Map<String, Object> args;
        if (n == 0) {
            args = Map.of();
        } else if (n == 1) { // common, and ChildSpec copies the map anyway: skip building a hash table
            String name = in.readString();
            args = Collections.singletonMap(name, PayloadCodec.read(in)); // allows a null value, unlike Map.of
        } else {
            args = new LinkedHashMap<>(PayloadCodec.mapCapacity(n));
            for (int i = 0; i < n; i++) {
                int keyAt = in.offset();
                String name = in.readString();
                args.put(name, PayloadCodec.read(in));
                if (args.size() != i + 1) {
                    throw new WireFormatException("duplicate argument " + quote(name) + " at offset " + keyAt);
                }
            }
        }
        int policyAt = in.offset();
        int policy = in.readUnsignedByte();
        if (policy >= RESTART_POLICIES.length) {
            throw new WireFormatException("unknown restart policy " + policy + " at offset " + policyAt);
        }
        try {
            return new ChildSpec(id, factory, args, RESTART_POLICIES[policy]);
        } catch (InvalidSpecException e) {
            throw new WireFormatException("invalid child spec at offset " + at + ": " + e.getMessage(), e);
        }
    }

    private static String canonicalFactory(String name) {
        String known = FACTORIES.get(name);
        if (known != null) return known;
        if (FACTORIES.size() < MAX_CANONICAL && name.length() <= 128) FACTORIES.putIfAbsent(name, name);
        return name;
    }

    private static Map<String, String> readStringMap(WireInput in, String what) {
        int n = in.readCount(MIN_STRING_PAIR, what);
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>(PayloadCodec.mapCapacity(n));
        for (int i = 0; i < n; i++) {
            int keyAt = in.offset();
            String key = in.readString();
            map.put(key, in.readString());
            if (map.size() != i + 1) {
                throw new WireFormatException("duplicate " + what + " key " + quote(key) + " at offset " + keyAt);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private static List<NodeId> readNodes(WireInput in, String what) {
        int n = in.readCount(MIN_NODE, what);
        if (n == 0) {
            return List.of();
        }
        List<NodeId> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(readNode(in));
        }
        return Collections.unmodifiableList(nodes);
    }

    private static List<String> readStrings(WireInput in) {
        int n = in.readCount(MIN_STRING, "childIds");
        if (n == 0) {
            return List.of();
        }
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(in.readString());
        }
        return Collections.unmodifiableList(strings);
    }

    private static List<StartItem> readStartItems(WireInput in) {
        int n = in.readCount(MIN_START_ITEM, "items");
        if (n == 0) {
            return List.of();
        }
        List<StartItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new StartItem(readSpec(in), readStringMap(in, "metadata"), readNodes(in, "assigned"),
                    in.readBoolean(), PayloadCodec.read(in)));
        }
        return Collections.unmodifiableList(items);
    }

    private static List<ItemResult> readResults(WireInput in) {
        int n = in.readCount(MIN_ITEM_RESULT, "results");
        if (n == 0) {
            return List.of();
        }
        List<ItemResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new ItemResult(in.readString(), in.readSignedVarLong(), readErrorCode(in),
                    in.readNullableString("message")));
        }
        return Collections.unmodifiableList(results);
    }

    private static List<RegistryOp> readOps(WireInput in) {
        int n = in.readCount(MIN_REGISTRY_OP, "ops");
        if (n == 0) {
            return List.of();
        }
        List<RegistryOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = in.offset();
            int tag = in.readUnsignedByte();
            if (tag == OP_INSERT) {
                ops.add(new Insert(readSpec(in), readStringMap(in, "metadata"), readNode(in),
                        in.readSignedVarLong()));
            } else if (tag == OP_REMOVE) {
                ops.add(new Remove(in.readString(), readNode(in), in.readSignedVarLong()));
            } else {
                throw new WireFormatException("unknown registry op tag " + tag + " at offset " + at);
            }
        }
        return Collections.unmodifiableList(ops);
    }

    private static List<SyncRow> readSyncRows(WireInput in) {
        int n = in.readCount(MIN_SYNC_ROW, "rows");
        if (n == 0) {
            return List.of();
        }
        List<SyncRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new SyncRow(readSpec(in), readStringMap(in, "metadata"), in.readSignedVarLong()));
        }
        return Collections.unmodifiableList(rows);
    }

    private static List<Running> readRunning(WireInput in) {
        int n = in.readCount(MIN_RUNNING, "running");
        if (n == 0) {
            return List.of();
        }
        List<Running> running = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            running.add(new Running(in.readString(), in.readSignedVarLong()));
        }
        return Collections.unmodifiableList(running);
    }

    /** {@code s} for an error message: quoted, cut to 64 chars, control chars escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64) + 8).append('\'');
        int n = Math.min(s.length(), 64);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]); // controls are <= U+009F
            } else {
                b.append(c);
            }
        }
        if (s.length() > n) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
