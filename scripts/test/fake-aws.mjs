// A fake AWS CLI for the tests of scripts/wait-instance-refresh.ts: answers the two calls the script makes from a
// scenario file (FAKE_AWS_SCENARIO) and logs every call (one JSON line each) to <scenario>.calls, so a test replays
// the states an instance refresh goes through and checks what was asked. Output shapes are the CLI's `--output json`
// of DescribeInstanceRefreshes and DescribeAutoScalingGroups. Any other command fails like the CLI does (exit 252).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const scenarioFile = process.env.FAKE_AWS_SCENARIO;
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8'));
const callsFile = `${scenarioFile}.calls`;
const args = process.argv.slice(2);
const earlier = existsSync(callsFile)
  ? readFileSync(callsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
appendFileSync(callsFile, `${JSON.stringify(args)}\n`);
const command = `${args[0]} ${args[1]}`;

if (command === 'autoscaling describe-instance-refreshes') {
  // The n-th call gets the n-th state; the last one repeats.
  const n = earlier.filter((a) => a[1] === 'describe-instance-refreshes').length;
  const states = scenario.refreshes;
  process.stdout.write(JSON.stringify({ InstanceRefreshes: states[Math.min(n, states.length - 1)] ?? [] }));
} else if (command === 'autoscaling describe-auto-scaling-groups') {
  const name = args[args.indexOf('--auto-scaling-group-names') + 1];
  // Instances: the scenario's launch template versions (and lifecycle states), by default two on the group's version.
  const instances = (scenario.instances ?? [scenario.groupVersion, scenario.groupVersion]).map((v, i) => {
    const [Version, LifecycleState = 'InService'] = String(v).split(':');
    return { InstanceId: `i-0${i}`, LifecycleState, LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version } };
  });
  process.stdout.write(
    JSON.stringify({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: name,
          LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: scenario.groupVersion },
          Instances: instances,
        },
      ],
    }),
  );
} else {
  process.stderr.write(`aws: error: argument operation: Invalid choice: ${command}\n`);
  process.exit(252);
}
