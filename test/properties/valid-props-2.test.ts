// Valid prop sets, part 2 of valid-props.ts's PARTS: the generated sets this file synthesizes and checks.
import { describeValidProps } from './valid-props';

describeValidProps(2);
