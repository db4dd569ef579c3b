import type { MonitoredDatabase, MonitoredService } from './monitored-resources';
import { instanceMemoryGiB } from '../database/max-connections';
import { checkInteger, invalid, isToken } from '../private/validation';

const DISPLAY_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Validates the services and database handed to the monitoring construct. */
export function checkMonitoredResources(services: MonitoredService[], database: MonitoredDatabase | undefined): void {
  const seen = new Set<string>();
  services.forEach((service, index) => {
    const prop = `services[${index}]`;
    if (!DISPLAY_NAME.test(service.displayName)) {
      invalid(`${prop}.displayName`, service.displayName,
        'Use 1 to 32 lower-case letters, digits and hyphens, starting with a letter.');
    }
    if (seen.has(service.displayName)) {
      invalid(`${prop}.displayName`, service.displayName, 'Each service needs its own name: alarm names must be unique.');
    }
    seen.add(service.displayName);
    checkInteger(`${prop}.minimumTasks`, service.minimumTasks, 0, 1000);
  });
  if (database) {
    checkInteger('database.allocatedStorageGiB', database.allocatedStorageGiB, 20, 65536);
    checkInteger('database.maxAllocatedStorageGiB', database.maxAllocatedStorageGiB, 21, 65536);
    checkInteger('database.maxConnections', database.maxConnections, 1, 262143);
    if (database.memoryGiB !== undefined && !isToken(database.memoryGiB) && !(database.memoryGiB > 0)) {
      invalid('database.memoryGiB', database.memoryGiB, 'Use the instance class\'s memory in GiB, above 0.');
    }
    databaseMemoryGiB(database);
  }
}

/** The memory of the database's class: given, or the one the connection budget sizes max_connections from. */
export function databaseMemoryGiB(database: MonitoredDatabase): number {
  const memory = database.memoryGiB ?? instanceMemoryGiB(database.instanceType);
  if (memory === undefined) {
    invalid('database.memoryGiB', undefined, `The library does not know the memory of db.${database.instanceType.toString()};`
      + ' give it in GiB (the library knows the t3, t4g, m5-m8g and r5-r8g classes).');
  }
  return memory;
}

/** `next-js` -> `NextJs`, for construct ids. */
export function pascalCase(name: string): string {
  return name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
