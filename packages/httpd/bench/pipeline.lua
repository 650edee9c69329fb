-- wrk script: each connection sends its requests in batches of N (argument after --, default
-- 16), pipelined in one write. wrk counts every response, so req/s stays comparable; the load
-- generator's cost per request drops, which lets one wrk thread push more than one server core.
init = function(args)
  local depth = tonumber(args[1]) or 16
  local batch = {}
  for i = 1, depth do batch[i] = wrk.format(nil) end
  pipelined = table.concat(batch)
end

request = function()
  return pipelined
end
