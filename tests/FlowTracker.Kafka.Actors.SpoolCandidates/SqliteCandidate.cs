using Microsoft.Data.Sqlite;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>
/// SQLite in WAL mode: one long transaction per commit interval, synchronous=FULL (the WAL is fsynced at each
/// commit, as durable as FasterLog's O_SYNC writes), 16 KiB pages, rows inserted 50 to a statement (the
/// provider's cost per statement dominated with one), incremental auto-vacuum so that deleted pages can be
/// given back. Removals are applied as id ranges. These settings were the fastest of the few tried here.
/// </summary>
internal sealed class SqliteCandidate : ICandidateStore
{
    private const int Batch = 50;
    private readonly SqliteConnection _connection;
    private readonly List<long> _removed = [];
    private SqliteTransaction _transaction;
    private SqliteCommand _insert;
    private SqliteParameter _body;
    private readonly List<(long Id, byte[] Body)> _pending = [];
    private SqliteCommand? _insertMany;
    private long _next;

    public SqliteCandidate(string directory)
    {
        Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "spool.db"), Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA page_size=16384");
        Execute("PRAGMA auto_vacuum=INCREMENTAL");
        Execute("PRAGMA journal_mode=WAL");
        Execute("PRAGMA synchronous=FULL");
        Execute("PRAGMA wal_autocheckpoint=1000");
        Execute("CREATE TABLE IF NOT EXISTS spool(id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
        using (var last = _connection.CreateCommand())
        {
            last.CommandText = "SELECT coalesce(max(id), 0) FROM spool";
            _next = (long)last.ExecuteScalar()! + 1;
        }

        (_transaction, _insert, _body) = Begin();
    }

    public long Append(byte[] record)
    {
        var id = _next++;
        _pending.Add((id, record));
        if (_pending.Count == Batch)
        {
            InsertPending();
        }

        return id;
    }

    private void InsertPending()
    {
        if (_insertMany is null)
        {
            _insertMany = _connection.CreateCommand();
            _insertMany.CommandText = "INSERT INTO spool(id, body) VALUES " + string.Join(",", Enumerable.Range(0, Batch).Select(i => $"($i{i}, $b{i})"));
            for (var i = 0; i < Batch; i++)
            {
                _insertMany.Parameters.Add($"$i{i}", SqliteType.Integer);
                _insertMany.Parameters.Add($"$b{i}", SqliteType.Blob);
            }
        }

        if (_pending.Count == Batch)
        {
            _insertMany.Transaction = _transaction;
            for (var i = 0; i < Batch; i++)
            {
                _insertMany.Parameters[2 * i].Value = _pending[i].Id;
                _insertMany.Parameters[(2 * i) + 1].Value = _pending[i].Body;
            }

            _insertMany.ExecuteNonQuery();
        }
        else
        {
            foreach (var (id, body) in _pending)
            {
                _insert.Parameters[0].Value = id;
                _body.Value = body;
                _insert.ExecuteNonQuery();
            }
        }

        _pending.Clear();
    }

    public void Commit()
    {
        InsertPending();
        if (_removed.Count > 0)
        {
            _removed.Sort();
            using var delete = _connection.CreateCommand();
            delete.Transaction = _transaction;
            delete.CommandText = "DELETE FROM spool WHERE id BETWEEN $from AND $to";
            var from = delete.Parameters.Add("$from", SqliteType.Integer);
            var to = delete.Parameters.Add("$to", SqliteType.Integer);
            var start = 0;
            for (var i = 1; i <= _removed.Count; i++)
            {
                if (i == _removed.Count || _removed[i] != _removed[i - 1] + 1)
                {
                    from.Value = _removed[start];
                    to.Value = _removed[i - 1];
                    delete.ExecuteNonQuery();
                    start = i;
                }
            }

            _removed.Clear();
        }

        _insert.Dispose();
        _transaction.Commit();
        _transaction.Dispose();
        (_transaction, _insert, _body) = Begin();
    }

    public void Remove(long id) => _removed.Add(id);

    public void Reclaim()
    {
        Commit();
        _insert.Dispose();
        _transaction.Dispose();
        Execute("PRAGMA incremental_vacuum");
        Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        (_transaction, _insert, _body) = Begin();
    }

    public IEnumerable<(long Id, byte[] Record)> ReadOldestFirst()
    {
        using var select = _connection.CreateCommand();
        select.Transaction = _transaction;
        select.CommandText = "SELECT id, body FROM spool ORDER BY id";
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), (byte[])reader.GetValue(1));
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _transaction.Commit();
        _transaction.Dispose();
        _connection.Dispose();
    }

    private (SqliteTransaction, SqliteCommand, SqliteParameter) Begin()
    {
        var transaction = _connection.BeginTransaction();
        var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO spool(id, body) VALUES ($id, $body)";
        insert.Parameters.Add("$id", SqliteType.Integer);
        var body = insert.Parameters.Add("$body", SqliteType.Blob);
        insert.Prepare();
        return (transaction, insert, body);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
