-- Ends one repeater turn in one round trip: charges the domain's budget windows with the remote
-- time the turn spent, stores what the turn taught about the endpoint, and releases the lock if
-- it is still ours (compare-and-delete: a holder whose lock expired never deletes its successor's).
--
-- KEYS[1] the repeater's lock   KEYS[2] its limiter hash   KEYS[3] / KEYS[4] the domain's windows
-- ARGV[1] lock token   ARGV[2] now (epoch ms)   ARGV[3] remote ms spent, less what the admission
-- reserved (may be negative)
-- ARGV[4] / ARGV[5] how long the minute / hour window keys must live (ms)
-- ARGV[6] the concurrency: '' unchanged, 'grow' (a whole turn of answers at full concurrency;
--         three in a row raise it by one), or a number to drop to
-- ARGV[11] the repeater's batch size, the concurrency's ceiling
-- ARGV[7] '' or, when the endpoint answered 429, the send rate the turn saw
--         (requests/s), used to start a learned rate when none is learned yet
-- ARGV[8] requests the endpoint answered (anything but a 429 or a failure), counted per clock second
-- ARGV[9] requests sent   ARGV[10] their remote ms (for the repeater's mean request duration)
--
-- Answers {1 when the lock was ours and is now gone, else 0; the repeater's concurrency now}.
local now = tonumber(ARGV[2])
local spent = tonumber(ARGV[3])
if spent ~= 0 then
    redis.call('INCRBY', KEYS[3], spent)
    redis.call('PEXPIRE', KEYS[3], ARGV[4])
    redis.call('INCRBY', KEYS[4], spent)
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
end
local touched = false
local ceiling = tonumber(ARGV[11])
local c = redis.call('HMGET', KEYS[2], 'conc', 'streak')
local concurrency = math.min(ceiling, tonumber(c[1] or ARGV[11]))
if ARGV[6] == 'grow' then
    -- sustained success: the third whole turn of answers in a row raises it by one
    local streak = tonumber(c[2] or '0') + 1
    if streak >= 3 then
        concurrency = concurrency + 1
        streak = 0
    end
    if concurrency >= ceiling then
        redis.call('HDEL', KEYS[2], 'conc', 'streak')
        concurrency = ceiling
    else
        redis.call('HSET', KEYS[2], 'conc', concurrency, 'streak', streak)
        touched = true
    end
elseif ARGV[6] ~= '' then
    concurrency = math.max(1, math.min(concurrency, tonumber(ARGV[6])))
    redis.call('HSET', KEYS[2], 'conc', concurrency, 'streak', 0)
    touched = true
end
-- Answers per clock second (this one and the one before): what the endpoint took lately, the
-- best estimate of its rate limit when it says 429.
local answered = tonumber(ARGV[8])
local h = redis.call('HMGET', KEYS[2], 'okw', 'okc', 'okp', 'lr', 'lrts', 'avg')
local sent = tonumber(ARGV[9])
if sent > 0 then
    -- mean request duration, what the next admission reserves per request
    local mean = tonumber(ARGV[10]) / sent
    local avg = h[6] and (0.7 * tonumber(h[6]) + 0.3 * mean) or mean
    redis.call('HSET', KEYS[2], 'avg', tostring(avg))
    touched = true
end
local second = math.floor(now / 1000)
local okw, okc, okp = tonumber(h[1] or '-1'), tonumber(h[2] or '0'), tonumber(h[3] or '0')
if answered > 0 or okw >= 0 then
    if okw ~= second then
        okp = (okw == second - 1) and okc or 0
        okc = 0
        okw = second
    end
    okc = okc + answered
    redis.call('HSET', KEYS[2], 'okw', okw, 'okc', okc, 'okp', okp)
    touched = true
end
if ARGV[7] ~= '' then
    -- Throttled: the rate in force now (the learned one, grown since, or the one the turn saw) ...
    local current = tonumber(ARGV[7])
    if h[4] and now - tonumber(h[5]) < 120000 then
        current = tonumber(h[4]) * math.pow(1.1, math.max(0, now - tonumber(h[5])) / 1000)
    end
    -- ... drops to just under what the endpoint took in the last second, or to half when it took
    -- nothing; never up. One drop a second: later 429s answer requests sent before it.
    local recent = h[5] and now - tonumber(h[5]) < 1000
    if not recent then
        local took = math.max(okc, okp)
        local learned = took > 0 and math.min(current, took * 0.9) or current / 2
        redis.call('HSET', KEYS[2], 'lr', tostring(math.max(0.2, learned)), 'lrts', now)
    end
    redis.call('HSET', KEYS[2], 'tok', 0, 'ts', now)
    touched = true
end
if touched then
    redis.call('PEXPIRE', KEYS[2], 3600000)
end
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
    released = redis.call('DEL', KEYS[1])
end
return {released, concurrency}
