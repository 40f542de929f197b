// A secondary cluster of an Aurora global database has no active writer: its cluster (writer) endpoint accepts
// no connections until the cluster is promoted. With write forwarding the application connects to the
// secondary's reader endpoint and Aurora forwards its writes (Aurora User Guide, "Connecting to Amazon Aurora
// Global Database" and "Using write forwarding in an Amazon Aurora global database"). Issue #10 item 2.
//
// A switchover makes the primary a secondary, so the primary's instances may not use it either. Nor may they
// write through the global writer endpoint (issue #19 item 6): after a switchover it resolves to the other
// region's writer, a private address in that region's VPC with no route from this one. Every region writes
// through its own member's reader endpoint, with write forwarding (policy/write-forwarding.ts).
//
// A stack policy, so it sees the clusters' endpoints (state) next to the launch templates' user data: no value the
// program hands an instance (user-data.sh assignments, whatever they are named) may be the cluster endpoint of a
// cluster in the same stack that belongs to a global cluster, and DB_HOST (DATABASE_URL's host) must be the
// reader endpoint of one.
import type { StackValidationPolicy } from '@pulumi/policy';
import { ofType, T, userDataVariables } from './types.js';

export const secondaryNotOnOwnWriterEndpoint: StackValidationPolicy = {
  name: 'secondary-not-on-own-writer-endpoint',
  description: "No region's instances use their own global-database member's cluster (writer) endpoint.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const members = ofType(resources, T.rdsCluster).filter((c) => c.props.globalClusterIdentifier);
    if (members.length === 0) return;
    for (const template of ofType(resources, T.launchTemplate)) {
      const vars = userDataVariables(template.props.userData);
      if (vars.DB_HOST !== undefined && !members.some((c) => c.props.readerEndpoint === vars.DB_HOST)) {
        report(
          `${template.name} sets DB_HOST to ${vars.DB_HOST}, not this region's reader endpoint: every region writes through its own reader endpoint with write forwarding (a global writer endpoint leads into another region's VPC after a switchover)`,
          template.urn,
        );
      }
      for (const cluster of members) {
        for (const [name, value] of Object.entries(vars)) {
          if (cluster.props.endpoint && value === cluster.props.endpoint) {
            report(
              `${template.name} sets ${name} to ${cluster.name}'s cluster endpoint, which serves no writes while the cluster is a secondary; write through the global writer endpoint (primary) or the reader endpoint with write forwarding (secondary)`,
              template.urn,
            );
          }
        }
      }
    }
  },
};
