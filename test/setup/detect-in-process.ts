// A test runner has no bundled detection worker: the tests run detection on their own thread, and say so.
import { allowInProcessDetection } from '../../app/detect/threads';

allowInProcessDetection();
