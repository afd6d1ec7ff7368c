import type { Config } from './config';
import type {
  Clock,
  FaceEngine,
  IdDocumentReader,
  IdGenerator,
  ImageStore,
  Logger,
  ProgressPublisher,
  RecordStore,
  TimeBudget,
  UserDirectory,
} from './ports';

/** Everything a flow needs from the outside world. */
export interface Deps {
  faces: FaceEngine;
  records: RecordStore;
  images: ImageStore;
  publisher: ProgressPublisher;
  idReader: IdDocumentReader;
  directory: UserDirectory;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  logger: Logger;
  budget: TimeBudget;
}
