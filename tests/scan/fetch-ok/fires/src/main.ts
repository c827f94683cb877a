import './api';
