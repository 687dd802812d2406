using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Writes one batch's answers and acknowledges its messages in one atomic Lua script, so a score is never written
/// without its sensor's state moving past it, and a message is never acknowledged before its answer is written.
///
/// Each sensor's state is a hash at its state key: `next` (the index of the sensor's next row) and `state` (the
/// <see cref="RnnEngine.Models.Streaming.StreamState"/> bytes after row next - 1). A run is a sensor's answers for
/// indices from the `next` it was scored from. The script compares with the stored `next` (nx): nx below the run's first
/// index means the worker is ahead of the stored state (it scored from a state that was never written): nothing is
/// written or acknowledged, status -1. Otherwise every answer with an index at or above nx is written, the state moves
/// on, and every message of the run is acknowledged: an answer below nx was written already (a replay, or another
/// worker got there first), so a row never yields a second line. Status 1 when nx was the run's first index, else 0.
///
/// KEYS: input stream, output stream, error stream, then one state key per run.
/// ARGV: group; the number of plain acknowledgements and their ids; the number of plain error entries, each
/// (id, sensor, index, field, error); the number of runs, each (sensor, first, next after, state bytes, answers,
/// then per answer: id ("" for none), index, kind ('s' score or 'e' error), score or field, is_anomaly or error).
/// </summary>
public static class CommitScript
{
    public const string Lua = """
        local input, output, errs = KEYS[1], KEYS[2], KEYS[3]
        local group = ARGV[1]
        local a = 2
        local acks = {}
        local n = tonumber(ARGV[a]); a = a + 1
        for i = 1, n do acks[#acks + 1] = ARGV[a]; a = a + 1 end
        n = tonumber(ARGV[a]); a = a + 1
        for i = 1, n do
          redis.call('XADD', errs, '*', 'sensor', ARGV[a + 1], 'index', ARGV[a + 2], 'field', ARGV[a + 3], 'error', ARGV[a + 4])
          acks[#acks + 1] = ARGV[a]; a = a + 5
        end
        local runs = tonumber(ARGV[a]); a = a + 1
        local status = {}
        for r = 1, runs do
          local key = KEYS[3 + r]
          local sensor, first, after, state, count = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3], tonumber(ARGV[a + 4])
          a = a + 5
          local nx = tonumber(redis.call('HGET', key, 'next') or '0')
          if nx < first then
            status[r] = -1
            a = a + 5 * count
          else
            for i = 1, count do
              local id, idx, kind, x, y = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
              a = a + 5
              if tonumber(idx) >= nx then
                if kind == 's' then
                  redis.call('XADD', output, '*', 'sensor', sensor, 'index', idx, 'score', x, 'is_anomaly', y)
                else
                  redis.call('XADD', errs, '*', 'sensor', sensor, 'index', idx, 'field', x, 'error', y)
                end
              end
              if id ~= '' then acks[#acks + 1] = id end
            end
            if after > nx then redis.call('HSET', key, 'next', after, 'state', state) end
            status[r] = (nx == first) and 1 or 0
          end
        end
        for i = 1, #acks, 1000 do redis.call('XACK', input, group, unpack(acks, i, math.min(i + 999, #acks))) end
        return status
        """;

    /// <summary>The arguments of one call, gathered section by section (plain acks, plain errors, then runs).</summary>
    public sealed class Batch(RedisKey input, RedisKey output, RedisKey errors, string group)
    {
        private readonly List<RedisKey> keys = [input, output, errors];
        private readonly List<RedisValue> acks = [], errorArgs = [], runArgs = [];
        private int errorCount;

        public int Runs => keys.Count - 3;
        public bool IsEmpty => acks.Count == 0 && errorCount == 0 && Runs == 0;

        public void Ack(RedisValue id) => acks.Add(id);

        public void Error(RedisValue id, string sensor, string index, string field, string error)
        {
            Add(errorArgs, id, sensor, index, field, error);
            errorCount++;
        }

        /// <summary>Starts a run: answers follow with <see cref="Score"/> and <see cref="RunError"/>, <paramref name="answers"/> of them.</summary>
        public void Run(RedisKey stateKey, string sensor, long first, long after, byte[] state, int answers)
        {
            keys.Add(stateKey);
            Add(runArgs, sensor, first, after, state, answers);
        }

        public void Score(RedisValue id, long index, string score, string flag) => Add(runArgs, id, index, "s", score, flag);

        public void RunError(RedisValue id, long index, string field, string error) => Add(runArgs, id, index, "e", field, error);

        // one call per answer: five Adds, not a collection expression, which would allocate its array for every row
        private static void Add(List<RedisValue> to, RedisValue a, RedisValue b, RedisValue c, RedisValue d, RedisValue e)
        {
            to.Add(a); to.Add(b); to.Add(c); to.Add(d); to.Add(e);
        }

        /// <summary>Runs the script; the status of each run in the order added.</summary>
        public long[] Commit(IDatabase db) => CommitAsync(db).GetAwaiter().GetResult();

        public async Task<long[]> CommitAsync(IDatabase db)
        {
            var args = new List<RedisValue>(3 + acks.Count + errorArgs.Count + runArgs.Count) { group, acks.Count };
            args.AddRange(acks);
            args.Add(errorCount);
            args.AddRange(errorArgs);
            args.Add(Runs);
            args.AddRange(runArgs);
            RedisResult result = await db.ScriptEvaluateAsync(Lua, [.. keys], [.. args]).ConfigureAwait(false);
            return Runs == 0 ? [] : (long[])result!;
        }
    }
}
