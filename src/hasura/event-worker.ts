import { Construct } from 'constructs';
import { ContainerServiceSpec } from '../services/container-service';
import { PlatformService } from '../services/platform-service';

/**
 * Hasura tasks that deliver event triggers and async actions for the serving tasks: the same engine
 * image and settings, no load balancer, no inbound traffic. A `HasuraService` with `eventWorker` set
 * creates it.
 */
export class HasuraEventWorker extends PlatformService {
  /** The short name of the service: `hasura-events`. */
  public readonly serviceName: string = 'hasura-events';

  constructor(scope: Construct, id: string, spec: ContainerServiceSpec) {
    super(scope, id);
    this._createService(spec);
  }
}
