import './data';
