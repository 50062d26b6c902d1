using System.Buffers.Binary;
using OpenTelemetry.PersistentStorage.Abstractions;
using OpenTelemetry.PersistentStorage.FileSystem;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>
/// OpenTelemetry's file blob provider: one blob (file) per commit interval holding that interval's records,
/// length-prefixed. A blob is deleted once every record in it was removed. Ids are (blob number, index).
/// </summary>
internal sealed class BlobCandidate : ICandidateStore
{
    private const int IndexBits = 24;
    private readonly FileBlobProvider _provider;
    private readonly MemoryStream _batch = new();
    private readonly Dictionary<long, (PersistentBlob Blob, int Left)> _blobs = [];
    private long _blobNumber;
    private int _inBatch;
    private int _removedFromBatch;

    public BlobCandidate(string directory)
    {
        Directory.CreateDirectory(directory);
        _provider = new FileBlobProvider(directory, maxSizeInBytes: 64L << 30, retentionPeriodInMilliseconds: (long)TimeSpan.FromDays(365).TotalMilliseconds);
    }

    public long Append(byte[] record)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, record.Length);
        _batch.Write(length);
        _batch.Write(record);
        return (_blobNumber << IndexBits) | (long)_inBatch++;
    }

    public void Commit()
    {
        if (_inBatch == 0)
        {
            return;
        }

        if (!_provider.TryCreateBlob(_batch.GetBuffer().AsSpan(0, (int)_batch.Length), out var blob))
        {
            throw new IOException("the blob provider refused a blob");
        }

        if (_inBatch == _removedFromBatch)
        {
            blob.TryDelete();
        }
        else
        {
            _blobs[_blobNumber] = (blob, _inBatch - _removedFromBatch);
        }

        _blobNumber++;
        _batch.SetLength(0);
        _inBatch = 0;
        _removedFromBatch = 0;
    }

    public void Remove(long id)
    {
        var number = id >> IndexBits;
        if (number == _blobNumber)
        {
            _removedFromBatch++; // Still in the batch the next commit writes.
            return;
        }

        if (!_blobs.TryGetValue(number, out var entry))
        {
            return;
        }

        if (entry.Left == 1)
        {
            entry.Blob.TryDelete();
            _blobs.Remove(number);
        }
        else
        {
            _blobs[number] = (entry.Blob, entry.Left - 1);
        }
    }

    public void Reclaim() => Commit();

    public IEnumerable<(long Id, byte[] Record)> ReadOldestFirst()
    {
        // The provider names blobs by creation time; its listing is ordered by that name.
        foreach (var blob in _provider.GetBlobs().OrderBy(b => ((FileBlob)b).FullPath, StringComparer.Ordinal))
        {
            if (!blob.TryRead(out var data) || data is null)
            {
                continue;
            }

            var number = _blobNumber++;
            var index = 0;
            for (var at = 0; at + 4 <= data.Length;)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));
                if (length < 0 || at + 4 + length > data.Length)
                {
                    break;
                }

                yield return ((number << IndexBits) | (long)index++, data.AsSpan(at + 4, length).ToArray());
                at += 4 + length;
            }

            _blobs[number] = (blob, index);
        }
    }

    public void Dispose()
    {
        Commit();
        _provider.Dispose();
    }
}
