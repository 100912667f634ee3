import type { Connector } from '../ports/connector';
import { keapConnector } from './keap/connector';
import { activeCampaignConnector } from './activecampaign/connector';
import { wordpressConnector } from './wordpress/connector';

/**
 * The connectors this build ships, in the order the Connections screen offers them. Hosts pass this list to
 * `createCore({ connectors })`; tests pass their own (fakes over the same descriptors).
 */
export const BUILT_IN_CONNECTORS: readonly Connector[] = [
  keapConnector,
  activeCampaignConnector,
  wordpressConnector,
];
