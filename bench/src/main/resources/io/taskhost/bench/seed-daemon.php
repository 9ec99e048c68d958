<?php
// The seed's daemon (../shared/seed in the taskhost repository), reproduced for the benchmark:
// the parent connects to Redis once, then forks a child per iteration and waits for it; the
// child RPOPs one task on the parent's connection, json_decodes it, instantiates the class it
// names and calls _task_<worker>($params), then exits. Two changes, both only for measuring:
// the Redis port and queue key come from the arguments, and the daemon stops when a child finds
// the queue empty, where the seed forks again for ever (and burns a core doing so).
//
// php seed-daemon.php PORT QUEUE

class Fixtures
{
    public function _task_noop($params)
    {
    }
}

const QUEUE_EMPTY = 3;

function mq_process(Redis $redis, string $queue): bool
{
    $data_pop = $redis->rPop($queue);
    $data = json_decode($data_pop, true);
    if (!$data) {
        return false;
    }
    $worker = '_task_' . $data['worker'];
    $class_name = isset($data['class']) ? $data['class'] : 'TaskproModel';
    $params = $data['params'];
    $class = new $class_name();
    $class->$worker($params);
    return true;
}

[, $port, $queue] = $argv;
$redis = new Redis();
$redis->connect('127.0.0.1', (int) $port);
while (true) {
    $pid = pcntl_fork();
    if ($pid == 0) {
        exit(mq_process($redis, $queue) ? 0 : QUEUE_EMPTY);
    }
    pcntl_wait($status, WUNTRACED);
    if (pcntl_wifexited($status) && pcntl_wexitstatus($status) == QUEUE_EMPTY) {
        break;
    }
}
