import { FlowProducer, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import t from 'tap';
import { redisServerPath, startRedis, startStrata } from './fixtures/diff-client.js';

/**
 * BullMQ (all of its operations are Lua scripts run with EVALSHA) end to end: priorities,
 * delayed jobs, retries with exponential backoff, a permanently failing job, a rate-limited
 * queue, a flow with children and QueueEvents. The same scenario runs against redis-server
 * and against our server; the job outcomes must be the same.
 */
interface Outcome {
  priorityOrder: string[];
  jobs: Record<
    string,
    { state: string; attemptsMade: number; returnvalue: unknown; failedReason?: string }
  >;
  limited: number;
  flowParent: unknown;
  completedEvents: number;
}

function settled(worker: Worker, expected: number): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const done = () => {
      n++;
      if (n === expected) resolve();
    };
    worker.on('completed', done);
    worker.on('failed', (job) => {
      // A failure with attempts left is retried: only the final one settles the job.
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) done();
    });
  });
}

async function scenario(port: number): Promise<Outcome> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const prefix = 'test';
  const queue = new Queue('main', { connection, prefix });
  const events = new QueueEvents('main', { connection, prefix });
  await events.waitUntilReady();
  let completedEvents = 0;
  events.on('completed', () => completedEvents++);

  await queue.add('low', { n: 1 }, { priority: 10 });
  await queue.add('high', { n: 2 }, { priority: 1 });
  await queue.add('mid', { n: 3 }, { priority: 5 });
  await queue.add('delayed', { n: 4 }, { delay: 150 });
  await queue.add('flaky', { n: 5 }, { attempts: 3, backoff: { type: 'exponential', delay: 20 } });
  await queue.add('broken', { n: 6 }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });

  const priorityOrder: string[] = [];
  const worker = new Worker(
    'main',
    async (job: Job) => {
      if (['low', 'high', 'mid'].includes(job.name)) priorityOrder.push(job.name);
      if (job.name === 'flaky' && job.attemptsMade < 2)
        throw new Error(`flaky ${job.attemptsMade}`);
      if (job.name === 'broken') throw new Error('always broken');
      return { doubled: (job.data as { n: number }).n * 2 };
    },
    { connection, prefix, concurrency: 1, autorun: false },
  );
  const allSettled = settled(worker, 6);
  void worker.run();
  await allSettled;

  const jobs: Outcome['jobs'] = {};
  for (const job of await queue.getJobs(['completed', 'failed'])) {
    jobs[job.name] = {
      state: await job.getState(),
      attemptsMade: job.attemptsMade,
      returnvalue: job.returnvalue,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    };
  }
  await worker.close();

  // A rate-limited queue: 2 jobs per 100 ms.
  const limitedQueue = new Queue('limited', { connection, prefix });
  for (let i = 0; i < 4; i++) await limitedQueue.add('l', { i });
  const limitedWorker = new Worker('limited', async () => 'ok', {
    connection,
    prefix,
    limiter: { max: 2, duration: 100 },
  });
  await settled(limitedWorker, 4);
  const limited = (await limitedQueue.getCompleted()).length;
  await limitedWorker.close();

  // A flow: the parent runs after its children and sees their results.
  const flows = new FlowProducer({ connection, prefix });
  await flows.add({
    name: 'parent',
    queueName: 'flow',
    children: [
      { name: 'child', queueName: 'flow', data: { v: 1 } },
      { name: 'child', queueName: 'flow', data: { v: 2 } },
    ],
  });
  let flowParent: unknown;
  const flowWorker = new Worker(
    'flow',
    async (job: Job) => {
      if (job.name === 'child') return (job.data as { v: number }).v * 10;
      const values = Object.values(await job.getChildrenValues()) as number[];
      flowParent = values.sort((a, b) => a - b);
      return 'parent done';
    },
    { connection, prefix },
  );
  await settled(flowWorker, 3);
  await flowWorker.close();
  await flows.close();
  await limitedQueue.close();
  // QueueEvents reads a stream: wait until it has seen the main queue's 5 completions.
  while (completedEvents < 5) await new Promise((resolve) => events.once('completed', resolve));
  await events.close();
  await queue.close();
  return { priorityOrder, jobs, limited, flowParent, completedEvents };
}

t.test('BullMQ runs the same against redis-server and strata-kvstore', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await startStrata();
  t.teardown(ours.stop);
  const theirs = await scenario(redis.port);
  const mine = await scenario(ours.port);
  t.same(mine, theirs);
  t.same(mine.priorityOrder, ['high', 'mid', 'low']);
  t.equal(mine.jobs.flaky?.state, 'completed');
  t.equal(mine.jobs.flaky?.attemptsMade, 3);
  t.equal(mine.jobs.broken?.state, 'failed');
  t.equal(mine.jobs.delayed?.state, 'completed');
  t.equal(mine.limited, 4);
  t.same(mine.flowParent, [10, 20]);
});
