-- Ends one repeater turn in one round trip: charges the domain's budget windows with the remote
-- time the turn spent, stores what the turn taught about the endpoint, and releases the lock if
-- it is still ours (compare-and-delete: a holder whose lock expired never deletes its successor's).
--
-- KEYS[1] the repeater's lock   KEYS[2] its limiter hash   KEYS[3] / KEYS[4] the domain's windows
-- ARGV[1] lock token   ARGV[2] now (epoch ms)   ARGV[3] remote ms spent (0 = none)
-- ARGV[4] / ARGV[5] how long the minute / hour window keys must live (ms)
-- ARGV[6] new concurrency ('' = unchanged, 'max' = back to the batch size)
-- ARGV[7] '' or, when the endpoint answered 429, the send rate the turn saw
--         (requests/s), used to start a learned rate when none is learned yet
-- ARGV[8] requests the endpoint answered (anything but a 429 or a failure), counted per clock second
--
-- Answers 1 when the lock was ours and is now gone, else 0.
local now = tonumber(ARGV[2])
local spent = tonumber(ARGV[3])
if spent > 0 then
    redis.call('INCRBY', KEYS[3], spent)
    redis.call('PEXPIRE', KEYS[3], ARGV[4])
    redis.call('INCRBY', KEYS[4], spent)
    redis.call('PEXPIRE', KEYS[4], ARGV[5])
end
local touched = false
if ARGV[6] == 'max' then
    redis.call('HDEL', KEYS[2], 'conc')
elseif ARGV[6] ~= '' then
    redis.call('HSET', KEYS[2], 'conc', ARGV[6])
    touched = true
end
-- Answers per clock second (this one and the one before): what the endpoint took lately, the
-- best estimate of its rate limit when it says 429.
local answered = tonumber(ARGV[8])
local h = redis.call('HMGET', KEYS[2], 'okw', 'okc', 'okp', 'lr', 'lrts')
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
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
