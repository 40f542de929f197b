// A secondary cluster of an Aurora global database has no active writer: its cluster (writer) endpoint accepts
// no connections until the cluster is promoted. With write forwarding the application connects to the
// secondary's reader endpoint and Aurora forwards its writes (Aurora User Guide, "Connecting to Amazon Aurora
// Global Database" and "Using write forwarding in an Amazon Aurora global database"). Issue #10 item 2.
//
// The primary's application uses the global writer endpoint, so a switchover (which makes the primary a secondary)
// needs no config change (same guide, "Connecting to Amazon Aurora Global Database"). So no member of a global
// database, secondary or primary, is written to through its own cluster endpoint.
//
// A stack policy, so it sees the clusters' endpoints (state) next to the launch templates' user data: no value the
// program hands an instance (user-data.sh assignments, whatever they are named) may be the cluster endpoint of a
// cluster in the same stack that belongs to a global cluster.
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
