package io.parley.flink.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Checkpoints a {@link DeliveryWindow} with HdrHistogram's own compressed encoding: a histogram is
 * a few hundred bytes this way, and no Kryo reflection over its internals is needed.
 */
public final class DeliveryWindowSerializer extends TypeSerializerSingleton<DeliveryWindow> {
    private static final long serialVersionUID = 1L;

    public static final DeliveryWindowSerializer INSTANCE = new DeliveryWindowSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DeliveryWindow createInstance() {
        return new DeliveryWindow();
    }

    @Override
    public DeliveryWindow copy(DeliveryWindow from) {
        return from.copy();
    }

    @Override
    public DeliveryWindow copy(DeliveryWindow from, DeliveryWindow reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DeliveryWindow record, DataOutputView target) throws IOException {
        writeHistogram(record.sendToAppend, target);
        writeHistogram(record.appendToDeliver, target);
        writeHistogram(record.fanout, target);
        target.writeLong(record.dropped);
        target.writeLong(record.queued);
    }

    @Override
    public DeliveryWindow deserialize(DataInputView source) throws IOException {
        return new DeliveryWindow(
                readHistogram(source),
                readHistogram(source),
                readHistogram(source),
                source.readLong(),
                source.readLong());
    }

    @Override
    public DeliveryWindow deserialize(DeliveryWindow reuse, DataInputView source)
            throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DeliveryWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeHistogram(Histogram h, DataOutputView target) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        target.writeInt(length);
        target.write(buffer.array(), 0, length);
    }

    private static Histogram readHistogram(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException e) {
            throw new IOException("corrupt histogram in checkpoint", e);
        }
    }

    /** The serializer has no configuration: any snapshot restores to {@link #INSTANCE}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeliveryWindow> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
